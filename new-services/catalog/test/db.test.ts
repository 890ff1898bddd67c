import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG_MIGRATIONS_TABLE, CatalogDbUrlError, migrateCatalog, openCatalogDb } from '../src/index';

describe('openCatalogDb', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sqlite:<file> creates the parent folder, and migrations run once, in their own table', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'catalog.sqlite');
    const db = openCatalogDb(`sqlite:${file}`);
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
    const db = openCatalogDb('sqlite::memory:');
    try {
      await migrateCatalog(db);
      expect(await db.schema.hasTable('products')).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it.each([
    ['postgres://admin:s3cret@db/catalog', /^Unsupported database URL scheme "postgres:"/],
    ['catalog.sqlite', /^Unsupported database URL scheme \(none\)/],
    ['sqlite:', /^Invalid database URL for scheme "sqlite:"/],
    ['mysql://admin:s3cret@host', /^Invalid database URL for scheme "mysql:"/],
    ['mysql://admin:s3cret@[bad/catalog', /^Invalid database URL for scheme "mysql:"/],
  ])('refuses %s with an error naming the scheme and never the password', (url, message) => {
    let caught: unknown;
    try {
      openCatalogDb(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CatalogDbUrlError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('s3cret');
  });

  it('mysql:// URLs are accepted without connecting', async () => {
    const db = openCatalogDb('mysql://user:p%40ss@127.0.0.1:1/catalog');
    await db.destroy();
  });
});
