import type { Knex } from 'knex';
import { isAlreadyExists, isDuplicateColumn, isPrimaryKeyViolation, isUniqueViolation, openDatabase } from '../index';
import { createTestDatabase, type TestDatabase } from '../test-kit/mysql';

/** The error a statement fails with (matched by fields: the driver's errors may come from another realm). */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('the statement succeeded');
    },
    (err: unknown) => err,
  );
}

let database: TestDatabase;
let db: Knex;

beforeAll(async () => {
  database = await createTestDatabase();
  db = openDatabase(database.url, { pool: { max: 2 }, connectTimeoutMs: 5000 });
  await db.schema.createTable('products', (t) => {
    t.integer('id').primary();
    t.string('sku', 32).unique();
    t.string('name', 64);
  });
  await db('products').insert({ id: 1, sku: 'A-1', name: 'PRIMARY in a value' });
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('openDatabase on MariaDB/MySQL', () => {
  it('connects with utf8mb4', async () => {
    await db('products').insert({ id: 2, sku: 'B-2', name: 'Grüße 🎉' });
    expect(await db('products').where({ id: 2 }).first()).toMatchObject({ name: 'Grüße 🎉' });
  });

  it('read-only sessions refuse to write and still read', async () => {
    const reader = openDatabase(database.url, { readOnly: true, pool: { max: 1 } });
    try {
      expect(await reader('products').where({ id: 1 }).first()).toMatchObject({ sku: 'A-1' });
      const refused = await failureOf(() => reader('products').insert({ id: 3, sku: 'C-3' }));
      expect(refused).toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
    } finally {
      await reader.destroy();
    }
    expect(await db('products').where({ id: 3 }).first()).toBeUndefined();
  });

  it('a wrong password fails without the password in the error', async () => {
    const url = new URL(database.url);
    url.password = 'hunter2-wrong';
    const wrong = openDatabase(url.toString(), { acquireTimeoutMs: 5000, onWarning: () => undefined });
    try {
      const err = await failureOf(() => wrong.raw('select 1'));
      expect(String(err)).toMatch(/Access denied/);
      expect(String(err)).not.toContain('hunter2');
    } finally {
      await wrong.destroy();
    }
  });
});

describe('driver errors from MariaDB/MySQL', () => {
  it('the primary key taken twice (ER_DUP_ENTRY on PRIMARY), even when a value spells PRIMARY', async () => {
    const err = await failureOf(() => db('products').insert({ id: 1, sku: 'Z-9', name: 'PRIMARY' }));
    expect(err).toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062 });
    expect(isUniqueViolation(err)).toBe(true);
    expect(isPrimaryKeyViolation(err)).toBe(true);
  });

  it('another unique index taken twice is a unique violation, not a primary-key one', async () => {
    const err = await failureOf(() => db('products').insert({ id: 9, sku: 'A-1', name: 'PRIMARY' }));
    expect(isUniqueViolation(err)).toBe(true);
    expect(isPrimaryKeyViolation(err)).toBe(false);
  });

  it('a table created twice, a column added twice', async () => {
    expect(isAlreadyExists(await failureOf(() => db.schema.createTable('products', (t) => t.integer('id'))))).toBe(true);
    expect(isDuplicateColumn(await failureOf(() => db.schema.alterTable('products', (t) => t.string('sku', 32))))).toBe(true);
  });
});
