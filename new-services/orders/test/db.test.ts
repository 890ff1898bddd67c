import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../platform';
import { ORDERS_MIGRATIONS_TABLE, migrateOrders } from '../src/index';

describe('the orders database', () => {
  it('an in-memory SQLite database migrates once', async () => {
    const db = openDatabase('sqlite::memory:');
    expect(await migrateOrders(db)).toEqual(['001_orders', '002_checkout_saga']);
    expect(await migrateOrders(db)).toEqual([]);
    for (const table of ['orders', 'order_lines', 'order_idempotency_keys', 'order_sagas', 'order_saga_steps', ORDERS_MIGRATIONS_TABLE]) {
      expect(await db.schema.hasTable(table)).toBe(true);
    }
    await db.destroy();
  });

  it('a SQLite file: lines must belong to an order (foreign keys enforced, as on MySQL)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-db-'));
    const file = path.join(dir, 'nested', 'orders.sqlite');
    const db = openDatabase(`sqlite:${file}`);
    try {
      await migrateOrders(db);
      const orphan = await db('order_lines')
        .insert({ order_id: 999, line_no: 1, product_id: 1, quantity: 1, unit_price: 100, amount: 100 })
        .then(() => 'written', (err: unknown) => String(err));
      expect(orphan).toMatch(/FOREIGN KEY constraint failed/);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
