import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseUrlError, openDatabase } from '../index';

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sqlite::memory: answers without touching the disk', async () => {
    const db = openDatabase('sqlite::memory:');
    try {
      await expect(db.raw('select 1 as one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('sqlite:<file> creates its folder and turns on WAL, busy_timeout and foreign keys', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'x.sqlite');
    const db = openDatabase(`sqlite:${file}`);
    try {
      expect(await db.raw('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await db.raw('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
      expect(await db.raw('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    } finally {
      await db.destroy();
    }
    expect(fs.existsSync(file)).toBe(true);
  });

  it('read-only SQLite reads an existing file, refuses to write it, and refuses a missing one', async () => {
    const file = path.join(dir, 'legacy.sqlite');
    const writer = openDatabase(`sqlite:${file}`);
    await writer.schema.createTable('t', (t) => t.integer('id'));
    await writer('t').insert({ id: 1 });
    await writer.destroy();

    const reader = openDatabase(`sqlite:${file}`, { readOnly: true });
    try {
      expect(await reader('t').select('id')).toEqual([{ id: 1 }]);
      // Matched by message: jest's workers can see a native driver's error as from another realm.
      expect(String(await reader('t').insert({ id: 2 }).then(() => 'written', (err: unknown) => err))).toMatch(/readonly database/);
    } finally {
      await reader.destroy();
    }

    // knex's own warning about it arrives through onWarning, first line only, instead of on the console.
    const warnings: string[] = [];
    const missing = openDatabase(`sqlite:${path.join(dir, 'nowhere', 'x.sqlite')}`, { readOnly: true, onWarning: (m) => warnings.push(m) });
    try {
      expect(String(await missing.raw('select 1').then(() => 'read', (err: unknown) => err))).toMatch(/directory does not exist/);
    } finally {
      await missing.destroy();
    }
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^Acquire connection error: .*directory does not exist$/)]);
  });

  it('a mysql URL is accepted without connecting, with the pool and timeouts asked for', async () => {
    const db = openDatabase('mysql://user:p%40ss@127.0.0.1:1/shop', { pool: { max: 4 }, connectTimeoutMs: 5000, acquireTimeoutMs: 10000 });
    try {
      expect(db.client.driverName).toBe('mysql2');
      expect(db.client.config).toMatchObject({
        connection: { host: '127.0.0.1', port: 1, user: 'user', password: 'p@ss', database: 'shop', charset: 'utf8mb4', connectTimeout: 5000 },
        pool: { min: 0, max: 4 },
        acquireConnectionTimeout: 10000,
      });
    } finally {
      await db.destroy();
    }
  });

  it('a bad URL throws a DatabaseUrlError before anything is opened', () => {
    expect(() => openDatabase('postgres://admin:hunter2@db/x')).toThrow(DatabaseUrlError);
    expect(() => openDatabase('sqlite::memory:', { readOnly: true })).toThrow(DatabaseUrlError);
  });
});
