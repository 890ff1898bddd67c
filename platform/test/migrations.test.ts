import type { Knex } from 'knex';
import { openDatabase, runMigrations, type NamedMigration } from '../index';

const first: NamedMigration = {
  name: '001_things',
  up: (db) => db.schema.createTable('things', (t) => t.increments('id')),
  down: (db) => db.schema.dropTable('things'),
};
const second: NamedMigration = {
  name: '002_more',
  up: (db) => db.schema.createTable('more', (t) => t.increments('id')),
  down: (db) => db.schema.dropTable('more'),
};

describe('runMigrations', () => {
  let db: Knex;
  beforeEach(() => {
    db = openDatabase('sqlite::memory:');
  });
  afterEach(() => db.destroy());

  it('applies what is new, in order, once, recorded in the owner\'s own table', async () => {
    expect(await runMigrations(db, { migrations: [first], tableName: 'owner_migrations' })).toEqual(['001_things']);
    expect(await runMigrations(db, { migrations: [first, second], tableName: 'owner_migrations' })).toEqual(['002_more']);
    expect(await runMigrations(db, { migrations: [first, second], tableName: 'owner_migrations' })).toEqual([]);
    expect(await db.schema.hasTable('knex_migrations')).toBe(false);
    expect((await db('owner_migrations').orderBy('id')).map((row: { name: string }) => row.name)).toEqual(['001_things', '002_more']);
  });

  it('two owners in one database keep separate histories', async () => {
    await runMigrations(db, { migrations: [first], tableName: 'a_migrations' });
    expect(await runMigrations(db, { migrations: [second], tableName: 'b_migrations' })).toEqual(['002_more']);
  });
});
