import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ORDERS_MIGRATIONS_TABLE, OrdersDbUrlError, migrateOrders, openOrdersDb } from '../src/index';

describe('openOrdersDb', () => {
  it('opens an in-memory SQLite database and migrates it once', async () => {
    const db = openOrdersDb('sqlite::memory:');
    expect(await migrateOrders(db)).toEqual(['001_orders']);
    expect(await migrateOrders(db)).toEqual([]);
    for (const table of ['orders', 'order_lines', 'order_idempotency_keys', ORDERS_MIGRATIONS_TABLE]) {
      expect(await db.schema.hasTable(table)).toBe(true);
    }
    await db.destroy();
  });

  it('creates the parent directory of a SQLite file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-db-'));
    const file = path.join(dir, 'nested', 'orders.sqlite');
    const db = openOrdersDb(`sqlite:${file}`);
    await migrateOrders(db);
    await db.destroy();
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a mysql URL without connecting', async () => {
    const db = openOrdersDb('mysql://user:p%40ss@127.0.0.1:1/orders');
    expect(db.client.driverName).toBe('mysql2');
    await db.destroy();
  });

  it.each([
    ['postgres://user:hunter2@host/db', /scheme "postgres:"/],
    ['hunter2', /scheme \(none\)/],
    ['sqlite:', /scheme "sqlite:"/],
    ['mysql://user:hunter2@host', /scheme "mysql:"/],
    ['mysql://user:hunter2@/db', /scheme "mysql:"/],
  ])('refuses %s with a message naming the scheme and hiding the password', (url, pattern) => {
    let caught: unknown;
    try {
      openOrdersDb(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OrdersDbUrlError);
    expect((caught as OrdersDbUrlError).code).toBe('ORDERS_DB_URL');
    expect((caught as Error).message).toMatch(pattern);
    expect((caught as Error).message).not.toContain('hunter2');
  });
});
