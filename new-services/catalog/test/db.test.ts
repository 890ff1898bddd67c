import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../platform';
import { CATALOG_MIGRATIONS_TABLE, migrateCatalog } from '../src/index';

describe('the catalog database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sqlite:<file>: migrations run once, in their own table', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'catalog.sqlite');
    const db = openDatabase(`sqlite:${file}`);
    try {
      expect(await migrateCatalog(db)).toEqual(['001_products']);
      expect(await migrateCatalog(db)).toEqual([]);
      expect(fs.existsSync(file)).toBe(true);
      expect(await db.schema.hasTable(CATALOG_MIGRATIONS_TABLE)).toBe(true);
      expect(await db.schema.hasTable('knex_migrations')).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it('sqlite::memory: works without touching the disk', async () => {
    const db = openDatabase('sqlite::memory:');
    try {
      await migrateCatalog(db);
      expect(await db.schema.hasTable('products')).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
