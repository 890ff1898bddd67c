import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { INVENTORY_MIGRATIONS_TABLE, migrateInventory } from '../src/index';
import { raceForTheLastUnits } from './concurrency';
import { inventoryFixture, stock, type InventoryFixture } from './kit/inventory';

if (!process.env.STRANGLER_TEST_MYSQL_URL) {
  // Never skip: a MySQL suite that silently passes without MySQL proves nothing.
  throw new Error('STRANGLER_TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306); the MySQL suite cannot run');
}

let database: TestDatabase;
let f: InventoryFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  f = await inventoryFixture([stock(1, 10, 2), stock(2, 3), stock(7, 12, 2)], { url: database.url });
});

afterAll(async () => {
  await f?.close();
  await database?.drop();
});

describe('inventory on MySQL/MariaDB', () => {
  it('migrates into its own migrations table, once', async () => {
    expect(await f.db.schema.hasTable(INVENTORY_MIGRATIONS_TABLE)).toBe(true);
    expect(await migrateInventory(f.db)).toEqual([]);
  });

  it('50 parallel reservations for 10 units: exactly 10 held, 40 refused, available 0', async () => {
    expect(await raceForTheLastUnits(f, 7)).toEqual({ held: 10, refused: 40, other: [] });
    expect((await request(f.app).get('/inventory/7')).body).toMatchObject({ onHand: 12, reserved: 12, available: 0 });
  });

  it('parallel repeats of one reservation id hold once', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(f.app).put('/reservations/same').send({ productId: 1, quantity: 2 })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect((await request(f.app).get('/inventory/1')).body).toMatchObject({ reserved: 4, available: 6 });
  });

  it('commit, release, tombstone and expiry keep the counts', async () => {
    await request(f.app).put('/reservations/m:1').send({ productId: 2, quantity: 2, ttlSeconds: 10 }).expect(201);
    await request(f.app).put('/reservations/m:2').send({ productId: 2, quantity: 1 }).expect(201);
    await request(f.app).post('/reservations/m:2/commit').expect(200);
    await request(f.app).post('/reservations/m:3/release').expect(200);
    expect((await request(f.app).put('/reservations/m:3').send({ productId: 2, quantity: 1 })).status).toBe(409);
    f.clock.advance(10_000);
    expect(await f.sweep.runOnce()).toBe(1);
    expect((await request(f.app).get('/inventory/2')).body).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
  });
});
