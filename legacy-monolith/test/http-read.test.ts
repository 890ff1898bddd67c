import type { Knex } from 'knex';
import request from 'supertest';
import type express from 'express';
import { appFor, memoryDb } from './kit';

let db: Knex;
let app: express.Application;
beforeAll(async () => {
  db = await memoryDb(500);
  app = appFor(db);
});
afterAll(async () => db.destroy());

const RESOURCES = [
  { path: '/api/products', key: 'PRD_ID', total: 500, missing: 'PRD_NOT_FND' },
  { path: '/api/customers', key: 'CUST_ID', total: 200, missing: 'CUST_NOT_FND' },
  { path: '/api/orders', key: 'ORD_ID', total: 300, missing: 'ORD_NOT_FND' },
  { path: '/api/inventory', key: 'PRD_ID', total: 500, missing: 'INV_NOT_FND' },
];

describe.each(RESOURCES)('$path', ({ path, key, total, missing }) => {
  it('pages with the legacy envelope, 50 rows by default, in key order', async () => {
    const res = await request(app).get(path).expect(200).expect('content-type', /json/);
    expect(Object.keys(res.body)).toEqual(['PAGE', 'SIZE', 'TOTAL', 'ROWS']);
    expect(res.body).toMatchObject({ PAGE: 1, SIZE: 50, TOTAL: total });
    const ids = (res.body.ROWS as Array<Record<string, number>>).map((r) => r[key]);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('serves later pages, a partial last page and an empty page past the end', async () => {
    const page3 = await request(app).get(`${path}?page=3&size=10`).expect(200);
    expect(page3.body.ROWS.map((r: Record<string, number>) => r[key])).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 21),
    );
    const last = await request(app).get(`${path}?page=${Math.ceil(total / 7)}&size=7`).expect(200);
    expect(last.body.ROWS).toHaveLength(total % 7 === 0 ? 7 : total % 7);
    const past = await request(app).get(`${path}?page=1000&size=10`).expect(200);
    expect(past.body).toEqual({ PAGE: 1000, SIZE: 10, TOTAL: total, ROWS: [] });
  });

  it.each(['page=0', 'page=abc', 'size=0', 'size=501', 'size=-5', 'page=1.5', 'page=1&page=2'])(
    'answers 400 for %s',
    async (query) => {
      const res = await request(app).get(`${path}?${query}`).expect(400);
      expect(res.body.ERR_CD).toBe('BAD_PARAM');
      expect(typeof res.body.ERR_MSG).toBe('string');
    },
  );

  it('reads one row by id, the same row as in the list', async () => {
    const list = await request(app).get(`${path}?page=2&size=5`).expect(200);
    const one = await request(app).get(`${path}/7`).expect(200);
    const { LINES: _lines, ...header } = one.body as Record<string, unknown>;
    expect(header).toEqual(list.body.ROWS[1]);
  });

  it('404s an unknown id and 400s a non-numeric one, in the legacy error shape', async () => {
    const notFound = await request(app).get(`${path}/99999`).expect(404);
    expect(notFound.body).toEqual({ ERR_CD: missing, ERR_MSG: expect.stringContaining('99999') });
    for (const bad of ['abc', '0', '1e3', '-1']) {
      const res = await request(app).get(`${path}/${bad}`).expect(400);
      expect(res.body.ERR_CD).toBe('BAD_PARAM');
    }
  });
});

describe('row shapes', () => {
  it('a product has the legacy columns, the price as a two-decimal string and nulls kept', async () => {
    const res = await request(app).get('/api/products/2').expect(200);
    expect(res.body).toEqual({
      PRD_ID: 2,
      PRD_SKU: 'SKU-000002',
      PRD_NM: 'Steel Bolt 20mm',
      PRD_DSC: null,
      PRD_CAT_CD: 'KIT',
      PRD_PRC: '271.33',
      PRD_STS: 'A',
      PRD_UPD_TS: '20200927010726',
      PRD_FLG_X: null,
    });
    expect(res.text).toBe(
      '{"PRD_ID":2,"PRD_SKU":"SKU-000002","PRD_NM":"Steel Bolt 20mm","PRD_DSC":null,"PRD_CAT_CD":"KIT",' +
        '"PRD_PRC":"271.33","PRD_STS":"A","PRD_UPD_TS":"20200927010726","PRD_FLG_X":null}',
    );
    expect(Object.keys(res.body)[0]).toBe('PRD_ID');
    expect((await request(app).get('/api/products/3')).body.PRD_FLG_X).toBe('Y');
    expect((await request(app).get('/api/products/5')).body.PRD_NM).toMatch(/ {2}$/);
  });

  it('every list row of every resource has money as strings and timestamps as 14 digits', async () => {
    const products = (await request(app).get('/api/products?size=500')).body.ROWS as Array<Record<string, unknown>>;
    expect(products.every((p) => typeof p.PRD_PRC === 'string' && /^\d{14}$/.test(String(p.PRD_UPD_TS)))).toBe(true);
    const orders = (await request(app).get('/api/orders?size=300')).body.ROWS as Array<Record<string, unknown>>;
    expect(orders.every((o) => /^\d+\.\d{2}$/.test(String(o.ORD_TOT_AMT)) && !('LINES' in o))).toBe(true);
    const inv = (await request(app).get('/api/inventory/1')).body as Record<string, unknown>;
    expect(Object.keys(inv)).toEqual(['PRD_ID', 'INV_LOC_CD', 'INV_QTY_OH', 'INV_QTY_RSV', 'INV_REORD_LVL', 'INV_UPD_TS']);
    const cust = (await request(app).get('/api/customers/4')).body as Record<string, unknown>;
    expect(cust.CUST_LST_NM).toMatch(/\S $/);
    expect(cust.CUST_NO).toBe('C0000004');
  });
});
