import type { Knex } from 'knex';
import { isAlreadyExists, isDeadlock, isDuplicateColumn, isPrimaryKeyViolation, isUniqueViolation, openDatabase } from '../index';

/** The error a statement fails with. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the statement succeeded');
}

describe('driver errors, from real SQLite failures', () => {
  let db: Knex;
  beforeAll(async () => {
    db = openDatabase('sqlite::memory:');
    await db.schema.createTable('products', (t) => {
      t.integer('id').primary();
      t.string('sku').unique();
    });
    await db('products').insert({ id: 1, sku: 'A-1' });
  });
  afterAll(() => db.destroy());

  it('a primary key taken twice (SQLITE_CONSTRAINT_PRIMARYKEY) is a unique and a primary-key violation', async () => {
    const err = await failureOf(() => db('products').insert({ id: 1, sku: 'B-2' }));
    expect(isUniqueViolation(err)).toBe(true);
    expect(isPrimaryKeyViolation(err)).toBe(true);
  });

  it('another unique index taken twice (SQLITE_CONSTRAINT_UNIQUE) is a unique violation, not a primary-key one', async () => {
    const err = await failureOf(() => db('products').insert({ id: 2, sku: 'A-1' }));
    expect(isUniqueViolation(err)).toBe(true);
    expect(isPrimaryKeyViolation(err)).toBe(false);
  });

  it('a table created twice, a column added twice', async () => {
    const table = await failureOf(() => db.schema.createTable('products', (t) => t.integer('id')));
    expect(isAlreadyExists(table)).toBe(true);
    const column = await failureOf(() => db.schema.alterTable('products', (t) => t.string('sku')));
    expect(isDuplicateColumn(column)).toBe(true);
    expect(isUniqueViolation(table)).toBe(false);
  });
});

describe('driver errors, as mysql2 reports them', () => {
  it.each([
    ['ER_DUP_ENTRY by name', { code: 'ER_DUP_ENTRY', errno: 1062, message: "Duplicate entry 'A-1' for key 'products_sku_unique'" }],
    ['errno 1062 alone (a wrapper kept only the number)', { errno: 1062, message: "Duplicate entry 'A-1' for key 'products_sku_unique'" }],
  ])('%s is a unique violation', (_what, err) => {
    expect(isUniqueViolation(err)).toBe(true);
    expect(isPrimaryKeyViolation(err)).toBe(false);
  });

  it.each(["Duplicate entry '5' for key 'PRIMARY'", "Duplicate entry '5' for key 'products.PRIMARY'"])('"%s" is a primary-key violation (MariaDB, MySQL 8)', (message) => {
    expect(isPrimaryKeyViolation({ code: 'ER_DUP_ENTRY', errno: 1062, message: `insert into \`products\` (\`id\`) values (5) - ${message}` })).toBe(true);
  });

  it('a statement that merely mentions PRIMARY does not make a unique-index violation a primary-key one', () => {
    const message = "insert into `t` (`note`) values ('PRIMARY') - Duplicate entry 'x' for key 't_sku_unique'";
    expect(isPrimaryKeyViolation({ code: 'ER_DUP_ENTRY', errno: 1062, message })).toBe(false);
  });

  it('deadlock, table exists, duplicate column', () => {
    expect(isDeadlock({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })).toBe(true);
    expect(isAlreadyExists({ code: 'ER_TABLE_EXISTS_ERROR', errno: 1050 })).toBe(true);
    expect(isDuplicateColumn({ errno: 1060 })).toBe(true);
  });

  it.each([undefined, null, 'ER_DUP_ENTRY', 1062, new Error('boom'), { code: 'SQLITE_BUSY' }])('%p is none of them', (err) => {
    for (const test of [isUniqueViolation, isPrimaryKeyViolation, isDeadlock, isAlreadyExists, isDuplicateColumn]) expect(test(err)).toBe(false);
  });
});
