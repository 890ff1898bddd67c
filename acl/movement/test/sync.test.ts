import { describeSync, sync, verify, backfill } from '../index';
import { FAST_RETRY, seededLegacy, startCatalog, startOrders, type LegacyFixture, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

describe('sync: incremental by change timestamp, deletes by key sets', () => {
  let legacy: LegacyFixture;
  let catalog: RunningService;
  beforeAll(async () => {
    legacy = await seededLegacy(500);
    catalog = await startCatalog();
  });
  afterAll(async () => {
    await catalog.stop();
    await legacy.cleanup();
  });
  const opts = () => ({ context: 'catalog' as const, legacyUrl: legacy.url, serviceUrl: catalog.url, dataDir: legacy.dir, retry: FAST_RETRY });

  it('a first sync is a full pass and records the high-water mark; the next reads only recent changes', async () => {
    const first = await sync(opts());
    expect(first.since).toBeNull();
    expect(first.scanned).toBe(500);
    expect(first.highWaterMark).toMatch(/^\d{14}$/);
    expect(first.lagSeconds).toBeGreaterThan(0);
    const second = await sync(opts());
    expect(second.since).not.toBeNull();
    expect(second.scanned).toBeLessThan(10); // only rows within the overlap window of the newest change
    expect(second.inserted + second.updated).toBe(0);
    expect((await verify(opts())).clean).toBe(true);
    // Two ages, each labelled: a seed's newest change is years old, which says nothing about how far behind the sync is.
    expect(first.sinceLastSyncSeconds).toBeNull();
    expect(describeSync(first)).toMatch(/; first sync; newest legacy change \d{14} \(\d+d \d+h old\)$/);
    expect(second.sinceLastSyncSeconds).toBeLessThan(60);
    expect(describeSync(second)).toMatch(/; previous sync \d+s ago; newest legacy change \d{14} \(\d+d \d+h old\)$/);
    expect(describeSync(second)).not.toContain('lag');
  });

  it('a product changed in legacy (new PRD_UPD_TS) reaches the service; verify is clean', async () => {
    await legacy.db('PRD_MSTR').where('PRD_ID', 21).update({ PRD_NM: 'Renamed In Legacy', PRD_PRC: 12.34, PRD_UPD_TS: stamp(new Date()) });
    expect((await verify(opts())).different.count).toBe(1);
    const result = await sync(opts());
    expect(result.updated).toBe(1);
    expect(result.lagSeconds).toBeLessThan(60);
    expect((await verify(opts())).clean).toBe(true);
    const row = (await catalog.db('products').where('id', 21).first()) as { name: string; price_amount: number };
    expect(row).toMatchObject({ name: 'Renamed In Legacy', price_amount: 1234 });
  });

  it('a product deleted in legacy is deleted from the service; verify is clean', async () => {
    await legacy.db('PRD_MSTR').whereIn('PRD_ID', [30, 31]).del();
    expect((await verify(opts())).extra.count).toBe(2);
    const result = await sync(opts());
    expect(result.deleted).toBe(2);
    expect((await verify(opts())).clean).toBe(true);
  });

  it('orders: backfill, then a changed order and a deleted one are synced; verify is clean', async () => {
    const orders = await startOrders(catalog.url);
    try {
      const o = { context: 'orders' as const, legacyUrl: legacy.url, serviceUrl: orders.url, dataDir: legacy.dir, retry: FAST_RETRY };
      await backfill(o);
      await sync(o);
      const now = stamp(new Date());
      await legacy.db('ORD_HDR').where('ORD_ID', 5).update({ ORD_STS: 'C', ORD_UPD_TS: now });
      await legacy.db('ORD_HDR').where('ORD_ID', 6).del();
      await legacy.db('ORD_LN').where('ORD_ID', 6).del();
      const result = await sync(o);
      expect(result).toMatchObject({ updated: 1, deleted: 1 });
      expect((await verify(o)).clean).toBe(true);
    } finally {
      await orders.stop();
    }
  });
});
