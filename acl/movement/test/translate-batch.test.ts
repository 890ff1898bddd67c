import { createAcl } from '../../index';
import { CONTEXTS } from '../contexts';
import { openLegacySource } from '../legacy-source';
import { loadTranslator } from '../translate';
import { seededLegacy, type LegacyFixture } from './kit';

/**
 * A batch's rows must each get the evaluation budget to themselves. The budget is wall-clock and
 * includes time spent waiting for other evaluations, so translating a whole batch at once made
 * the batch share one budget: on a loaded machine (CI) backfill and sync refused every order of a
 * 500-row batch with a timeout, and the orders never reached the service.
 *
 * The budget here is made small (80 ms) instead of loading the machine: 500 orders take far longer
 * than that together, and each one far less alone.
 */
describe('translating a batch: the per-row time budget is per row, not per batch', () => {
  let legacy: LegacyFixture;
  beforeAll(async () => {
    legacy = await seededLegacy(800);
  });
  afterAll(async () => {
    await legacy.cleanup();
  });

  it('a 480-order batch under an 80 ms per-row budget: every row is translated, none refused for time', async () => {
    const source = openLegacySource(legacy.url);
    try {
      const records = await CONTEXTS.orders.readBatch(source, 0, 500);
      expect(records).toHaveLength(480);
      const mapping = createAcl({ timeoutMs: 80 }).load(CONTEXTS.orders.mapping);
      const translate = loadTranslator(CONTEXTS.orders.mapping, { mapping });
      const { accepted, rejected } = await translate(records);
      expect(rejected.filter((r) => r.code === 'AclTimeoutError')).toEqual([]);
      expect(accepted.length + rejected.length).toBe(480);
      expect(accepted.map((a) => a.key)).toEqual(records.map((r) => r.key).filter((k) => !rejected.some((r) => r.key === k)));
    } finally {
      await source.close();
    }
  });

  it('rows come back in their batch order, refusals kept with their reasons', async () => {
    const source = openLegacySource(legacy.url);
    try {
      const records = await CONTEXTS.catalog.readBatch(source, 0, 100);
      const { accepted, rejected } = await loadTranslator(CONTEXTS.catalog.mapping)(records);
      // The seed plants product 13 with a status the new model does not have.
      expect(rejected.map((r) => r.key)).toEqual([13]);
      expect(rejected[0]?.paths).toContain('status');
      expect(accepted.map((a) => a.key)).toEqual(records.map((r) => r.key).filter((k) => k !== 13));
    } finally {
      await source.close();
    }
  });
});
