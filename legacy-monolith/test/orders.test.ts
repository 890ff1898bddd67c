import type { Knex } from 'knex';
import request from 'supertest';
import type express from 'express';
import { toCents, centsToDecimal } from '../src/db/money';
import { FIXED_TS, appFor, countRows, memoryDb, sha256, dumpTables } from './kit';

let db: Knex;
let app: express.Application;
beforeEach(async () => {
  db = await memoryDb(500);
  app = appFor(db);
});
afterEach(async () => db.destroy());

interface Stocked { PRD_ID: number; PRD_PRC: number; INV_QTY_OH: number; INV_QTY_RSV: number }

/** Active products with at least `min` sellable units, lowest id first. */
async function sellable(min: number, count: number): Promise<Stocked[]> {
  return db('PRD_MSTR')
    .join('INV_BAL', 'INV_BAL.PRD_ID', 'PRD_MSTR.PRD_ID')
    .where('PRD_STS', 'A')
    .andWhereRaw('INV_QTY_OH - INV_QTY_RSV >= ?', [min])
    .orderBy('PRD_MSTR.PRD_ID')
    .limit(count)
    .select('PRD_MSTR.PRD_ID', 'PRD_PRC', 'INV_QTY_OH', 'INV_QTY_RSV');
}

describe('GET /api/orders/:id', () => {
  it('returns the header with its LINES in line order', async () => {
    const res = await request(app).get('/api/orders/1').expect(200);
    expect(Object.keys(res.body)).toEqual([
      'ORD_ID', 'CUST_ID', 'ORD_DT', 'ORD_STS', 'ORD_TOT_AMT', 'ORD_SHP_TS', 'ORD_RMK', 'ORD_UPD_TS', 'LINES',
    ]);
    const lines = res.body.LINES as Array<Record<string, unknown>>;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.ORD_LN_NO)).toEqual(lines.map((_, i) => i + 1));
    const sum = lines.reduce((s, l) => s + toCents(l.ORD_LN_AMT), 0);
    expect(res.body.ORD_TOT_AMT).toBe(centsToDecimal(sum));
  });

  it('returns the order with zero lines as an empty LINES array', async () => {
    const res = await request(app).get('/api/orders/9').expect(200);
    expect(res.body).toMatchObject({ ORD_ID: 9, ORD_STS: 'N', ORD_TOT_AMT: '0.00', LINES: [] });
  });
});

describe('POST /api/orders', () => {
  it('prices lines from PRD_MSTR, takes stock, writes header and lines, answers 201 with the order', async () => {
    const [a, b] = await sellable(5, 2);
    const body = { CUST_ID: 7, ORD_RMK: 'ring twice', LINES: [{ PRD_ID: a!.PRD_ID, ORD_LN_QTY: 2 }, { PRD_ID: b!.PRD_ID, ORD_LN_QTY: 3 }] };
    const res = await request(app).post('/api/orders').send(body).expect(201);
    const total = 2 * toCents(a!.PRD_PRC) + 3 * toCents(b!.PRD_PRC);
    expect(res.headers.location).toBe('/api/orders/301');
    expect(res.body).toEqual({
      ORD_ID: 301, CUST_ID: 7, ORD_DT: '20240506', ORD_STS: 'N', ORD_TOT_AMT: centsToDecimal(total),
      ORD_SHP_TS: null, ORD_RMK: 'ring twice', ORD_UPD_TS: FIXED_TS,
      LINES: [
        { ORD_ID: 301, ORD_LN_NO: 1, PRD_ID: a!.PRD_ID, ORD_LN_QTY: 2, ORD_LN_PRC: centsToDecimal(toCents(a!.PRD_PRC)),
          ORD_LN_AMT: centsToDecimal(2 * toCents(a!.PRD_PRC)), ORD_LN_UPD_TS: FIXED_TS },
        { ORD_ID: 301, ORD_LN_NO: 2, PRD_ID: b!.PRD_ID, ORD_LN_QTY: 3, ORD_LN_PRC: centsToDecimal(toCents(b!.PRD_PRC)),
          ORD_LN_AMT: centsToDecimal(3 * toCents(b!.PRD_PRC)), ORD_LN_UPD_TS: FIXED_TS },
      ],
    });
    await request(app).get('/api/orders/301').expect(200, res.body);
    const inv = await request(app).get(`/api/inventory/${a!.PRD_ID}`).expect(200);
    expect(inv.body).toMatchObject({ INV_QTY_OH: a!.INV_QTY_OH - 2, INV_UPD_TS: FIXED_TS });
    expect((await request(app).get('/api/orders')).body.TOTAL).toBe(301);
  });

  it('adds up repeated products when checking stock', async () => {
    const [p] = await sellable(2, 1);
    const avail = p!.INV_QTY_OH - p!.INV_QTY_RSV;
    const half = Math.ceil((avail + 1) / 2);
    const before = sha256(await dumpTables(db));
    const res = await request(app)
      .post('/api/orders')
      .send({ CUST_ID: 1, LINES: [{ PRD_ID: p!.PRD_ID, ORD_LN_QTY: half }, { PRD_ID: p!.PRD_ID, ORD_LN_QTY: half }] })
      .expect(409);
    expect(res.body.ERR_CD).toBe('INSUF_STK');
    expect(sha256(await dumpTables(db))).toBe(before);
  });

  it.each([
    ['no body', undefined, /invalid order/],
    ['not an object', [1, 2], /invalid order: body/],
    ['missing lines', { CUST_ID: 1 }, /LINES/],
    ['empty lines', { CUST_ID: 1, LINES: [] }, /LINES/],
    ['string customer', { CUST_ID: '1', LINES: [{ PRD_ID: 1, ORD_LN_QTY: 1 }] }, /CUST_ID/],
    ['zero quantity', { CUST_ID: 1, LINES: [{ PRD_ID: 1, ORD_LN_QTY: 0 }] }, /LINES\.0\.ORD_LN_QTY/],
    ['fractional quantity', { CUST_ID: 1, LINES: [{ PRD_ID: 1, ORD_LN_QTY: 1.5 }] }, /ORD_LN_QTY/],
  ])('400s a bad body (%s) with a clear message and writes nothing', async (_name, body, message) => {
    const before = sha256(await dumpTables(db));
    const req = request(app).post('/api/orders');
    const res = await (body === undefined ? req : req.send(body as object)).expect(400);
    expect(res.body.ERR_CD).toBe('BAD_REQ');
    expect(res.body.ERR_MSG).toMatch(message);
    expect(sha256(await dumpTables(db))).toBe(before);
  });

  it('400s malformed JSON', async () => {
    const res = await request(app).post('/api/orders').set('content-type', 'application/json').send('{"CUST_ID":').expect(400);
    expect(res.body).toEqual({ ERR_CD: 'BAD_JSON', ERR_MSG: 'request body is not valid JSON' });
  });

  it('400s an unknown product and an unknown customer, writing nothing', async () => {
    const [p] = await sellable(1, 1);
    const before = sha256(await dumpTables(db));
    const noProduct = await request(app)
      .post('/api/orders')
      .send({ CUST_ID: 1, LINES: [{ PRD_ID: p!.PRD_ID, ORD_LN_QTY: 1 }, { PRD_ID: 99999, ORD_LN_QTY: 1 }] })
      .expect(400);
    expect(noProduct.body).toEqual({ ERR_CD: 'PRD_NOT_FND', ERR_MSG: 'product 99999 does not exist' });
    const noCustomer = await request(app)
      .post('/api/orders')
      .send({ CUST_ID: 99999, LINES: [{ PRD_ID: p!.PRD_ID, ORD_LN_QTY: 1 }] })
      .expect(400);
    expect(noCustomer.body).toEqual({ ERR_CD: 'CUST_NOT_FND', ERR_MSG: 'customer 99999 does not exist' });
    expect(sha256(await dumpTables(db))).toBe(before);
  });

  it('409s a product that is not active (odd status Z included)', async () => {
    const res = await request(app).post('/api/orders').send({ CUST_ID: 1, LINES: [{ PRD_ID: 13, ORD_LN_QTY: 1 }] }).expect(409);
    expect(res.body).toEqual({ ERR_CD: 'PRD_NOT_SELLABLE', ERR_MSG: 'product 13 is not sellable (status Z)' });
  });

  it('409s insufficient stock and rolls back stock already taken for earlier lines', async () => {
    const [first, second] = await sellable(1, 2);
    const tooMany = second!.INV_QTY_OH - second!.INV_QTY_RSV + 1;
    const before = sha256(await dumpTables(db));
    const res = await request(app)
      .post('/api/orders')
      .send({ CUST_ID: 1, LINES: [{ PRD_ID: first!.PRD_ID, ORD_LN_QTY: 1 }, { PRD_ID: second!.PRD_ID, ORD_LN_QTY: tooMany }] })
      .expect(409);
    expect(res.body).toEqual({
      ERR_CD: 'INSUF_STK',
      ERR_MSG: `insufficient stock for product ${second!.PRD_ID} (wanted ${tooMany})`,
    });
    expect(sha256(await dumpTables(db))).toBe(before);
    expect(await countRows(db, 'ORD_HDR')).toBe(300);
  });

  it('never oversells under concurrent checkouts', async () => {
    const [p] = await sellable(3, 1);
    const avail = p!.INV_QTY_OH - p!.INV_QTY_RSV;
    const attempts = avail + 5;
    const results = await Promise.all(
      Array.from({ length: attempts }, () =>
        request(app).post('/api/orders').send({ CUST_ID: 2, LINES: [{ PRD_ID: p!.PRD_ID, ORD_LN_QTY: 1 }] }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(avail);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    const inv = await db('INV_BAL').where('PRD_ID', p!.PRD_ID).first();
    expect(inv.INV_QTY_OH).toBe(p!.INV_QTY_RSV);
  });
});
