import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('two instances starting at once on one database: one migrates, the other waits and finds the schema current', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-migrate-'));
    const url = `sqlite:${path.join(dir, 'shared.sqlite')}`;
    const [a, b] = [openDatabase(url), openDatabase(url)];
    try {
      const slow: NamedMigration = { ...first, up: async (k) => {
        await first.up(k);
        await new Promise((resolve) => setTimeout(resolve, 200));
      } };
      const applied = await Promise.all([runMigrations(a, { migrations: [slow, second], tableName: 'owner_migrations' }), runMigrations(b, { migrations: [slow, second], tableName: 'owner_migrations' })]);
      expect(applied.map((names) => names.length).sort()).toEqual([0, 2]);
      expect((await a('owner_migrations')).map((row: { name: string }) => row.name)).toEqual(['001_things', '002_more']);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two owners in one database keep separate histories', async () => {
    await runMigrations(db, { migrations: [first], tableName: 'a_migrations' });
    expect(await runMigrations(db, { migrations: [second], tableName: 'b_migrations' })).toEqual(['002_more']);
  });
});
