import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { backfill, describeBackfill, readCheckpoint, verify } from '../index';
import { FAST_RETRY, seededLegacy, startCatalog, startOrders, type LegacyFixture, type RunningService } from './kit';

describe('backfill then verify (SQLite legacy file, services on port 0)', () => {
  let legacy: LegacyFixture;
  let catalog: RunningService;
  let orders: RunningService;
  beforeAll(async () => {
    legacy = await seededLegacy(500);
    catalog = await startCatalog();
    orders = await startOrders(catalog.url);
  });
  afterAll(async () => {
    await catalog.stop();
    await orders.stop();
    await legacy.cleanup();
  });

  it('moves the catalog, reports the dirty rows, and verifies clean; a second run changes nothing and says so', async () => {
    const opts = { context: 'catalog' as const, legacyUrl: legacy.url, serviceUrl: catalog.url, dataDir: legacy.dir, retry: FAST_RETRY };
    const first = await backfill(opts);
    expect(first.counters.read).toBe(500);
    expect(first.counters.rejected).toBeGreaterThanOrEqual(1);
    expect(first.counters.inserted).toBe(500 - first.counters.rejected);
    expect(first.changed).toBe(true);

    const rejects = readFileSync(path.join(legacy.dir, 'backfill', 'catalog.rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: number; paths: string[] });
    expect(rejects).toHaveLength(first.counters.rejected);
    expect(rejects).toContainEqual(expect.objectContaining({ key: 13, paths: ['status'] }));

    const checked = await verify(opts);
    expect(checked.clean).toBe(true);
    expect(checked.matching).toBe(500 - first.counters.rejected);
    expect(checked.refused.count).toBe(first.counters.rejected);
    expect(checked.refused.examples.map((e) => e.key)).toContain(13);

    const second = await backfill(opts);
    expect(second.resumed).toBe(false);
    expect(second.counters).toEqual({ read: 500, inserted: 0, updated: 0, unchanged: 500 - first.counters.rejected, rejected: first.counters.rejected });
    expect(second.changed).toBe(false);
    expect(describeBackfill(second)).toMatch(/nothing changed/);
    expect(readCheckpoint(legacy.dir, 'catalog')?.state).toBe('complete');
  });

  it('moves orders with their lines; order 9 (no lines) is rejected at "lines"; verify is clean', async () => {
    const opts = { context: 'orders' as const, legacyUrl: legacy.url, serviceUrl: orders.url, dataDir: legacy.dir, batchSize: 100, retry: FAST_RETRY };
    const result = await backfill(opts);
    expect(result.counters.read).toBe(300);
    expect(result.counters.inserted + result.counters.rejected).toBe(300);
    const rejects = readFileSync(result.rejectsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: number; paths: string[] });
    expect(rejects).toContainEqual(expect.objectContaining({ key: 9, paths: ['lines'] }));
    const checked = await verify(opts);
    expect(checked).toMatchObject({ clean: true, missing: { count: 0 }, extra: { count: 0 }, different: { count: 0 } });
    expect(checked.matching).toBe(result.counters.inserted);
    const again = await backfill(opts);
    expect(again.changed).toBe(false);
  });

  it('verify reports missing, extra and different rows with examples', async () => {
    const opts = { context: 'catalog' as const, legacyUrl: legacy.url, serviceUrl: catalog.url, dataDir: legacy.dir, retry: FAST_RETRY };
    await catalog.db('products').where('id', 7).del();
    await catalog.db('products').where('id', 8).update({ name: 'Tampered' });
    const before = await verify(opts);
    expect(before.clean).toBe(false);
    expect(before.missing).toEqual({ count: 1, examples: [{ key: 7 }] });
    expect(before.different.count).toBe(1);
    expect(before.different.examples[0]?.detail).toMatch(/fields name/);
    await backfill(opts);
    expect((await verify(opts)).clean).toBe(true);
  });

  it('an empty legacy table backfills and verifies clean', async () => {
    const empty = await seededLegacy(0, { seed: false });
    const svc = await startCatalog();
    try {
      const opts = { context: 'catalog' as const, legacyUrl: empty.url, serviceUrl: svc.url, dataDir: empty.dir, retry: FAST_RETRY };
      const result = await backfill(opts);
      expect(result.counters.read).toBe(0);
      expect(result.total).toBe(0);
      expect(existsSync(result.checkpointFile)).toBe(true);
      expect((await verify(opts)).clean).toBe(true);
    } finally {
      await svc.stop();
      await empty.cleanup();
    }
  });
});
