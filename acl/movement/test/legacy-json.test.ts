import request from 'supertest';
import { createLegacyApp } from '../../../legacy-monolith/src/index';
import { CONTEXTS } from '../contexts';
import { openLegacySource, type LegacySource } from '../legacy-source';
import type { LegacyRecord } from '../contexts';
import { seededLegacy, type LegacyFixture } from './kit';

/** The ACL mappings were written against the monolith's JSON: ours must be byte-identical to its HTTP answers. */
describe('legacy JSON serializer equals the monolith HTTP output', () => {
  let legacy: LegacyFixture;
  let source: LegacySource;
  let app: ReturnType<typeof createLegacyApp>;
  beforeAll(async () => {
    legacy = await seededLegacy(500);
    source = openLegacySource(legacy.url);
    app = createLegacyApp({ db: legacy.db, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } as never });
  });
  afterAll(async () => {
    await source.close();
    await legacy.cleanup();
  });

  async function all(name: 'catalog' | 'orders'): Promise<LegacyRecord[]> {
    const out: LegacyRecord[] = [];
    for (let after = 0; ; ) {
      const batch = await CONTEXTS[name].readBatch(source, after, 200);
      if (batch.length === 0) return out;
      out.push(...batch);
      after = (batch[batch.length - 1] as LegacyRecord).key;
    }
  }

  it('every seeded product', async () => {
    const ours = await all('catalog');
    expect(ours).toHaveLength(500);
    const served: string[] = [];
    for (let page = 1; page <= 1; page++) {
      const res = await request(app).get(`/api/products?page=${page}&size=500`).expect(200);
      for (const row of (res.body as { ROWS: unknown[] }).ROWS) served.push(JSON.stringify(row));
    }
    expect(ours.map((r) => JSON.stringify(r.json))).toEqual(served);
  });

  it('every seeded order with its lines', async () => {
    const ours = await all('orders');
    expect(ours).toHaveLength(300);
    for (const record of ours) {
      const res = await request(app).get(`/api/orders/${record.key}`).expect(200);
      expect(JSON.stringify(record.json)).toBe(res.text);
    }
  });
});
