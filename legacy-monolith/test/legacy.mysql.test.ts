import type { Knex } from 'knex';
import request from 'supertest';
import type express from 'express';
import { openDatabase } from '../../platform';
import { createTestDatabase, type TestDatabase } from '../../platform/test-kit/mysql';
import { migrateLegacy, seedLegacy } from '../src/index';
import { PINNED_SEED_SHA256, appFor, dumpTables, memoryDb, sha256 } from './kit';

let database: TestDatabase;
let mysql: Knex;
let sqlite: Knex;
let onMysql: express.Application;
let onSqlite: express.Application;

beforeAll(async () => {
  database = await createTestDatabase();
  mysql = openDatabase(database.url);
  await migrateLegacy(mysql);
  await seedLegacy(mysql);
  sqlite = await memoryDb(500);
  onMysql = appFor(mysql);
  onSqlite = appFor(sqlite);
});

afterAll(async () => {
  await mysql?.destroy();
  await sqlite?.destroy();
  await database?.drop();
});

/** Same status, same content type, byte-identical body. */
async function expectSame(method: 'get' | 'post', path: string, body?: object): Promise<request.Response> {
  const send = (app: express.Application): request.Test => {
    const req = request(app)[method](path);
    return body === undefined ? req : req.send(body);
  };
  const [m, s] = [await send(onMysql), await send(onSqlite)];
  expect({ path, status: m.status, type: m.headers['content-type'] }).toEqual({ path, status: s.status, type: s.headers['content-type'] });
  expect(m.body).toEqual(s.body);
  expect(m.text).toBe(s.text);
  return m;
}

describe('legacy monolith on MySQL answers exactly like on SQLite', () => {
  it('stores the very same seed (pinned checksum)', async () => {
    const dump = await dumpTables(mysql);
    expect(dump).toEqual(await dumpTables(sqlite));
    expect(sha256(dump)).toBe(PINNED_SEED_SHA256);
  });

  it('health and error shapes', async () => {
    await expectSame('get', '/health');
    await expectSame('get', '/api/nothing');
    await expectSame('get', '/api/products/abc');
    await expectSame('get', '/api/products?size=9999');
  });

  it.each([
    ['/api/products', 500, [1, 2, 3, 5, 11, 13, 42, 97, 499, 500, 501]],
    ['/api/customers', 200, [1, 4, 200, 201]],
    ['/api/inventory', 500, [1, 2, 250, 500, 777]],
  ])('%s: every page and sampled ids', async (path, total, ids) => {
    for (let page = 1; page <= Math.ceil(total / 50) + 1; page++) await expectSame('get', `${path}?page=${page}&size=50`);
    await expectSame('get', `${path}?page=2&size=7`);
    for (const id of ids) await expectSame('get', `${path}/${id}`);
  });

  it('/api/orders: every page and every order with its lines', async () => {
    for (let page = 1; page <= 7; page++) await expectSame('get', `/api/orders?page=${page}&size=50`);
    for (let id = 1; id <= 301; id++) await expectSame('get', `/api/orders/${id}`);
  });

  it('/api/reports/sales: the heavy report, whole and trimmed', async () => {
    const res = await expectSame('get', '/api/reports/sales');
    expect(res.body.ROWS.length).toBeGreaterThan(100);
    await expectSame('get', '/api/reports/sales?top=10');
  });

  it('POST /api/orders: same order, same stock, same failures', async () => {
    const body = { CUST_ID: 3, ORD_RMK: 'mysql parity', LINES: [{ PRD_ID: 1, ORD_LN_QTY: 2 }, { PRD_ID: 4, ORD_LN_QTY: 1 }] };
    const created = await expectSame('post', '/api/orders', body);
    expect(created.status).toBe(201);
    expect(created.body.ORD_ID).toBe(301);
    await expectSame('get', '/api/orders/301');
    await expectSame('get', '/api/inventory/1');
    await expectSame('get', '/api/inventory/4');
    await expectSame('post', '/api/orders', { CUST_ID: 3, LINES: [{ PRD_ID: 1, ORD_LN_QTY: 9999 }] });
    await expectSame('post', '/api/orders', { CUST_ID: 3, LINES: [{ PRD_ID: 99999, ORD_LN_QTY: 1 }] });
    await expectSame('post', '/api/orders', { CUST_ID: 3, LINES: [{ PRD_ID: 13, ORD_LN_QTY: 1 }] });
    await expectSame('post', '/api/orders', { CUST_ID: 'x', LINES: [] });
    expect(await dumpTables(mysql)).toEqual(await dumpTables(sqlite));
    await expectSame('get', '/api/reports/sales');
  });
});
