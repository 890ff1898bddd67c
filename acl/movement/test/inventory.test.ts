import { backfill, sync, verify } from '../index';
import { FAST_RETRY, seededLegacy, startInventory, type LegacyFixture, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

describe('inventory: backfill, verify and sync of INV_BAL through inventory/stock-read', () => {
  let legacy: LegacyFixture;
  let inventory: RunningService;
  beforeAll(async () => {
    legacy = await seededLegacy(300);
    inventory = await startInventory();
  });
  afterAll(async () => {
    await inventory.stop();
    await legacy.cleanup();
  });
  const opts = () => ({ context: 'inventory' as const, legacyUrl: legacy.url, serviceUrl: inventory.url, dataDir: legacy.dir, retry: FAST_RETRY });
  const level = async (productId: number) => (await (await fetch(`${inventory.url}/inventory/${productId}`)).json()) as Record<string, unknown>;

  it('backfills every balance, keyed by product; verify is clean; a re-run changes nothing', async () => {
    const first = await backfill(opts());
    expect(first.counters).toMatchObject({ read: 300, inserted: 300, rejected: 0 });
    const row = (await legacy.db('INV_BAL').where('PRD_ID', 1).first()) as { INV_QTY_OH: number; INV_QTY_RSV: number };
    expect(await level(1)).toMatchObject({ productId: 1, onHand: row.INV_QTY_OH, reserved: row.INV_QTY_RSV, available: row.INV_QTY_OH - row.INV_QTY_RSV });
    expect(await verify(opts())).toMatchObject({ clean: true, legacyRows: 300, serviceRows: 300, matching: 300 });
    expect((await backfill(opts())).changed).toBe(false);
  });

  it('a stock change in legacy is found by verify and carried over by sync; a deleted balance is deleted', async () => {
    await sync(opts());
    await legacy.db('INV_BAL').where('PRD_ID', 5).update({ INV_QTY_OH: 77, INV_QTY_RSV: 3, INV_UPD_TS: stamp(new Date()) });
    await legacy.db('INV_BAL').where('PRD_ID', 6).del();
    const before = await verify(opts());
    expect([before.different.count, before.extra.count]).toEqual([1, 1]);
    const result = await sync(opts());
    expect([result.updated, result.deleted]).toEqual([1, 1]);
    expect(await level(5)).toMatchObject({ onHand: 77, reserved: 3, available: 74 });
    expect((await verify(opts())).clean).toBe(true);
  });

  it('a balance the ACL refuses (more reserved than on hand) is reported, never imported', async () => {
    await legacy.db('INV_BAL').where('PRD_ID', 8).update({ INV_QTY_OH: 1, INV_QTY_RSV: 9, INV_UPD_TS: stamp(new Date()) });
    const result = await sync(opts());
    expect(result.rejected).toBe(1);
    const report = await verify(opts());
    expect(report.refused.examples[0]).toMatchObject({ key: 8, detail: expect.stringContaining('available') });
  });
});
