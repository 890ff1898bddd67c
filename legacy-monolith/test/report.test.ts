import type { Knex } from 'knex';
import request from 'supertest';
import { centsToDecimal, toCents } from '../src/db/money';
import { appFor, memoryDb } from './kit';

const TS = '20200101000000';

function product(id: number, price: string): Record<string, unknown> {
  return {
    PRD_ID: id, PRD_SKU: `S${id}`, PRD_NM: `P${id}`, PRD_DSC: null, PRD_CAT_CD: null,
    PRD_PRC: price, PRD_STS: 'A', PRD_UPD_TS: TS, PRD_FLG_X: null,
  };
}

function header(id: number, status: string, date: string): Record<string, unknown> {
  return { ORD_ID: id, CUST_ID: 1, ORD_DT: date, ORD_STS: status, ORD_TOT_AMT: '0.00', ORD_SHP_TS: null, ORD_RMK: null, ORD_UPD_TS: TS };
}

function line(order: number, no: number, prd: number, qty: number, price: string): Record<string, unknown> {
  return {
    ORD_ID: order, ORD_LN_NO: no, PRD_ID: prd, ORD_LN_QTY: qty, ORD_LN_PRC: price,
    ORD_LN_AMT: centsToDecimal(qty * toCents(price)), ORD_LN_UPD_TS: TS,
  };
}

interface Expected { PRD_ID: number; ORD_CNT: number; QTY_SOLD: number; REV: number; LAST: string }

/** The report recomputed in plain TypeScript from raw rows: no SQL shared with the code under test. */
async function independentReport(db: Knex): Promise<Array<Record<string, unknown>>> {
  const headers: Array<{ ORD_ID: number; ORD_STS: string; ORD_DT: string }> = await db('ORD_HDR');
  const lines: Array<{ ORD_ID: number; PRD_ID: number; ORD_LN_QTY: number; ORD_LN_AMT: number }> = await db('ORD_LN');
  const products: Array<{ PRD_ID: number; PRD_SKU: string; PRD_NM: string }> = await db('PRD_MSTR');
  const live = new Map(headers.filter((h) => h.ORD_STS !== 'C').map((h) => [h.ORD_ID, h]));
  const agg = new Map<number, Expected & { orders: Set<number> }>();
  for (const l of lines) {
    const h = live.get(l.ORD_ID);
    if (h === undefined) continue;
    const a = agg.get(l.PRD_ID) ?? { PRD_ID: l.PRD_ID, ORD_CNT: 0, QTY_SOLD: 0, REV: 0, LAST: '', orders: new Set<number>() };
    a.orders.add(l.ORD_ID);
    a.QTY_SOLD += l.ORD_LN_QTY;
    a.REV += toCents(l.ORD_LN_AMT);
    if (h.ORD_DT > a.LAST) a.LAST = h.ORD_DT;
    agg.set(l.PRD_ID, a);
  }
  const all = [...agg.values()];
  const byId = new Map(products.map((p) => [p.PRD_ID, p]));
  return all
    .map((a) => ({
      RNK: 1 + all.filter((o) => o.REV > a.REV).length,
      PRD_ID: a.PRD_ID,
      PRD_SKU: byId.get(a.PRD_ID)?.PRD_SKU ?? null,
      PRD_NM: byId.get(a.PRD_ID)?.PRD_NM ?? null,
      ORD_CNT: a.orders.size,
      QTY_SOLD: a.QTY_SOLD,
      REV_AMT: centsToDecimal(a.REV),
      LAST_ORD_DT: a.LAST,
    }))
    .sort((x, y) => x.RNK - y.RNK || x.PRD_ID - y.PRD_ID);
}

describe('GET /api/reports/sales', () => {
  it('ranks revenue per product on a small hand-made shop (ties share a rank, cancelled orders ignored)', async () => {
    const db = await memoryDb(0);
    await db('PRD_MSTR').insert([product(1, '10.10'), product(2, '5.05'), product(3, '20.20'), product(4, '1.00')]);
    await db('ORD_HDR').insert([header(1, 'P', '20200105'), header(2, 'S', '20200210'), header(3, 'C', '20200301'), header(4, 'N', '20200120')]);
    await db('ORD_LN').insert([
      line(1, 1, 1, 2, '10.10'), // P1 20.20
      line(1, 2, 2, 4, '5.05'), // P2 20.20 -> ties with P1
      line(2, 1, 3, 3, '20.20'), // P3 60.60
      line(2, 2, 1, 1, '0.10'), // P1 +0.10 at a discount -> 20.30
      line(3, 1, 4, 100, '1.00'), // cancelled: P4 sold nothing
      line(4, 1, 2, 1, '0.10'), // P2 20.30 -> ties with P1 again
      line(4, 2, 99, 1, '0.05'), // a line for a product that no longer exists
    ]);
    const res = await request(appFor(db)).get('/api/reports/sales').expect(200);
    expect(res.body).toEqual({
      PRD_CNT: 4,
      TOTAL_REV_AMT: '101.25',
      ROWS: [
        { RNK: 1, PRD_ID: 3, PRD_SKU: 'S3', PRD_NM: 'P3', ORD_CNT: 1, QTY_SOLD: 3, REV_AMT: '60.60', LAST_ORD_DT: '20200210' },
        { RNK: 2, PRD_ID: 1, PRD_SKU: 'S1', PRD_NM: 'P1', ORD_CNT: 2, QTY_SOLD: 3, REV_AMT: '20.30', LAST_ORD_DT: '20200210' },
        { RNK: 2, PRD_ID: 2, PRD_SKU: 'S2', PRD_NM: 'P2', ORD_CNT: 2, QTY_SOLD: 5, REV_AMT: '20.30', LAST_ORD_DT: '20200120' },
        { RNK: 4, PRD_ID: 99, PRD_SKU: null, PRD_NM: null, ORD_CNT: 1, QTY_SOLD: 1, REV_AMT: '0.05', LAST_ORD_DT: '20200120' },
      ],
    });
    const top = await request(appFor(db)).get('/api/reports/sales?top=1').expect(200);
    expect(top.body.ROWS).toHaveLength(1);
    expect(top.body.PRD_CNT).toBe(4);
    await request(appFor(db)).get('/api/reports/sales?top=x').expect(400);
    await db.destroy();
  });

  it('agrees with an independent computation on the seeded shop', async () => {
    const db = await memoryDb(500);
    const res = await request(appFor(db)).get('/api/reports/sales').expect(200);
    const expected = await independentReport(db);
    expect(res.body.ROWS).toEqual(expected);
    expect(res.body.TOTAL_REV_AMT).toBe(centsToDecimal(expected.reduce((s, r) => s + toCents(r.REV_AMT), 0)));
    await db.destroy();
  });

  it('answers an empty report on an empty shop', async () => {
    const db = await memoryDb(0);
    await request(appFor(db)).get('/api/reports/sales').expect(200, { PRD_CNT: 0, TOTAL_REV_AMT: '0.00', ROWS: [] });
    await db.destroy();
  });
});
