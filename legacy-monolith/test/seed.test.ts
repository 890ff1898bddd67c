import type { Knex } from 'knex';
import { LegacySeedError, formatSeedProgress, isLegacySeeded, seedLegacy, type SeedProgress } from '../src/index';
import { toCents } from '../src/db/money';
import { PINNED_SEED_SHA256, countRows, dumpTables, memoryDb, sha256 } from './kit';

describe('seedLegacy', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await memoryDb(500);
  });
  afterAll(async () => db.destroy());

  it('seeds the default shop: 500 products, 200 customers, 300 orders with lines, inventory per product', async () => {
    expect(await countRows(db, 'PRD_MSTR')).toBe(500);
    expect(await countRows(db, 'CUST_MSTR')).toBe(200);
    expect(await countRows(db, 'ORD_HDR')).toBe(300);
    expect(await countRows(db, 'INV_BAL')).toBe(500);
    const lines = await countRows(db, 'ORD_LN');
    expect(lines).toBeGreaterThanOrEqual(299);
    expect(lines).toBeLessThanOrEqual(1500);
  });

  it('is deterministic: a second database gets byte-identical rows (pinned checksum)', async () => {
    const other = await memoryDb(500);
    const a = await dumpTables(db);
    const b = await dumpTables(other);
    await other.destroy();
    expect(b).toEqual(a);
    expect(sha256(b)).toBe(sha256(a));
    // Pinned so an accidental change to the generators (which backfill checksums depend on) is noticed.
    expect(sha256(a)).toBe(PINNED_SEED_SHA256);
  });

  it('contains the dirt a fifteen-year-old shop has', async () => {
    const nullDsc = await db('PRD_MSTR').whereNull('PRD_DSC').count({ N: '*' }).first();
    expect(Number(nullDsc?.N)).toBeGreaterThan(10);
    const odd = await db('PRD_MSTR').whereNotIn('PRD_STS', ['A', 'D', 'H']).select('PRD_ID', 'PRD_STS');
    expect(odd).toEqual([{ PRD_ID: 13, PRD_STS: 'Z' }, { PRD_ID: 42, PRD_STS: 'a' }]);
    expect(await db('PRD_MSTR').whereNotNull('PRD_FLG_X').pluck('PRD_ID')).toContain(3);
    const emptyOrder = await db('ORD_HDR').where('ORD_ID', 9).first();
    expect(emptyOrder).toMatchObject({ ORD_TOT_AMT: 0 });
    expect(await db('ORD_LN').where('ORD_ID', 9)).toEqual([]);
    const p5 = await db('PRD_MSTR').where('PRD_ID', 5).first('PRD_NM');
    expect(p5.PRD_NM).toMatch(/\S {2}$/);
    const c4 = await db('CUST_MSTR').where('CUST_ID', 4).first('CUST_LST_NM');
    expect(c4.CUST_LST_NM).toMatch(/\S $/);
  });

  it('keeps order totals equal to the sum of their lines', async () => {
    const headers: Array<{ ORD_ID: number; ORD_TOT_AMT: number }> = await db('ORD_HDR').select('ORD_ID', 'ORD_TOT_AMT');
    const lines: Array<{ ORD_ID: number; ORD_LN_QTY: number; ORD_LN_PRC: number; ORD_LN_AMT: number }> = await db('ORD_LN');
    const sums = new Map<number, number>();
    for (const l of lines) {
      expect(toCents(l.ORD_LN_AMT)).toBe(l.ORD_LN_QTY * toCents(l.ORD_LN_PRC));
      sums.set(l.ORD_ID, (sums.get(l.ORD_ID) ?? 0) + toCents(l.ORD_LN_AMT));
    }
    for (const h of headers) expect(toCents(h.ORD_TOT_AMT)).toBe(sums.get(h.ORD_ID) ?? 0);
  });

  it('refuses to seed an already seeded database and leaves it untouched', async () => {
    expect(await isLegacySeeded(db)).toBe(true);
    await expect(seedLegacy(db)).rejects.toBeInstanceOf(LegacySeedError);
    expect(await countRows(db, 'PRD_MSTR')).toBe(500);
  });

  it.each([0, -1, 1.5, 100_001])('refuses rows=%p', async (rows) => {
    const empty = await memoryDb(0);
    await expect(seedLegacy(empty, { rows })).rejects.toThrow(/rows must be an integer between 1 and 100000/);
    expect(await isLegacySeeded(empty)).toBe(false);
    await empty.destroy();
  });

  it('seeds 5,000 products in bulk (hundreds of rows a statement) and reports progress up to the total', async () => {
    const big = await memoryDb(0);
    const calls: SeedProgress[] = [];
    // What makes a seed quick is how few statements it sends; its speed itself is the benchmark's.
    let inserts = 0;
    big.on('query', (q: { sql: string }) => {
      if (/^insert/i.test(q.sql)) inserts += 1;
    });
    const summary = await seedLegacy(big, { rows: 5000, onProgress: (p) => calls.push(p) });
    expect(summary).toMatchObject({ products: 5000, customers: 2000, orders: 3000, inventory: 5000 });
    const total = summary.products + summary.customers + summary.orders + summary.orderLines + summary.inventory;
    expect(inserts).toBe(calls.length); // one statement per chunk reported
    expect(total / inserts).toBeGreaterThan(100);
    expect(calls.length).toBeGreaterThan(10);
    // Progress counts what the user asked for (5,000 products), not every row of every table.
    expect(calls.at(-1)).toEqual({ rows: 5000, products: 5000, percent: 100 });
    expect(calls.every((p) => p.rows === 5000 && p.products <= 5000)).toBe(true);
    expect(formatSeedProgress(calls.at(-1)!)).toMatch(/^seeding 5000\/5000 products \(100% /);
    expect(formatSeedProgress(calls.at(-1)!)).not.toContain(String(total));
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]!.percent).toBeGreaterThanOrEqual(calls[i - 1]!.percent);
      expect(calls[i]!.products).toBeGreaterThanOrEqual(calls[i - 1]!.products);
    }
    expect(calls[0]).toEqual({ rows: 5000, products: 500, percent: expect.any(Number) });
    expect(await countRows(big, 'PRD_MSTR')).toBe(5000);
    // The first 500 products are the same whatever the size, so small and large shops agree.
    const head = await big('PRD_MSTR').orderBy('PRD_ID').limit(500);
    expect(head).toEqual(await db('PRD_MSTR').orderBy('PRD_ID'));
    await big.destroy();
  });
});
