import { backfill, sync, verify, type Checkpoint } from '../index';
import { FAST_RETRY, seededLegacy, startCatalog, type LegacyFixture, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * A backfill reads in key order and never looks back: a row changed in legacy after the checkpoint
 * passed it stays stale in the service. verify must see it, and a sync must repair it.
 */
describe('a legacy row changed during a backfill', () => {
  let legacy: LegacyFixture;
  let catalog: RunningService;
  beforeAll(async () => {
    legacy = await seededLegacy(1000);
    catalog = await startCatalog();
  });
  afterAll(async () => {
    await catalog.stop();
    await legacy.cleanup();
  });
  const opts = () => ({ context: 'catalog' as const, legacyUrl: legacy.url, serviceUrl: catalog.url, dataDir: legacy.dir, batchSize: 50, retry: FAST_RETRY });

  /** Changes product `id` once, as soon as the checkpoint is past it (the backfill is still running then). */
  function changeBehindCheckpoint(id: number, name: string): { afterBatch: (cp: Checkpoint) => Promise<void>; changedAtKey: () => number | undefined } {
    let changedAtKey: number | undefined;
    return {
      async afterBatch(cp) {
        if (changedAtKey !== undefined || cp.lastKey < id + 100) return;
        changedAtKey = cp.lastKey;
        await legacy.db('PRD_MSTR').where('PRD_ID', id).update({ PRD_NM: name, PRD_UPD_TS: stamp(new Date()) });
      },
      changedAtKey: () => changedAtKey,
    };
  }

  it('first sync after the backfill (a full scan) repairs it; verify is clean again', async () => {
    const hook = changeBehindCheckpoint(21, 'Changed Mid Backfill');
    const result = await backfill({ ...opts(), afterBatch: hook.afterBatch });
    expect(hook.changedAtKey()).toBeLessThan(1000); // the change landed mid-run
    expect(result.counters.read).toBe(1000);

    const stale = await verify(opts());
    expect(stale.clean).toBe(false);
    expect(stale.different.count).toBe(1);
    expect(stale.different.examples[0]).toMatchObject({ key: 21, detail: expect.stringMatching(/^fields name, updatedAt: .*Changed Mid Backfill/) });
    expect(stale.missing.count + stale.extra.count).toBe(0);

    const repaired = await sync(opts());
    expect(repaired.since).toBeNull();
    expect(repaired.updated).toBe(1);
    expect(repaired.inserted + repaired.deleted).toBe(0);
    expect((await verify(opts())).clean).toBe(true);
  });

  it('with a sync state already there, a re-run backfill misses a mid-run change and the incremental sync repairs it', async () => {
    const hook = changeBehindCheckpoint(22, 'Changed Mid Rerun');
    const rerun = await backfill({ ...opts(), afterBatch: hook.afterBatch });
    expect(hook.changedAtKey()).toBeLessThan(1000);
    expect(rerun.changed).toBe(false); // row 22 was read before it changed

    const stale = await verify(opts());
    expect(stale.different).toMatchObject({ count: 1, examples: [{ key: 22 }] });

    const repaired = await sync(opts());
    expect(repaired.since).not.toBeNull();
    expect(repaired.scanned).toBeLessThan(50); // incremental: not the whole table
    expect(repaired.updated).toBe(1);
    expect((await verify(opts())).clean).toBe(true);
    const row = (await catalog.db('products').where('id', 22).first()) as { name: string };
    expect(row.name).toBe('Changed Mid Rerun');
  });
});
