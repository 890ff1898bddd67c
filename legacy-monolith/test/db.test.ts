import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LegacyDbUrlError, openLegacyDb } from '../src/index';

describe('openLegacyDb', () => {
  it('opens an in-memory SQLite database', async () => {
    const db = openLegacyDb('sqlite::memory:');
    await expect(db.raw('select 1 as one')).resolves.toEqual([{ one: 1 }]);
    await db.destroy();
  });

  it('creates the parent directory of a SQLite file and turns WAL on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-db-'));
    const file = path.join(dir, 'nested', 'deeper', 'legacy.sqlite');
    const db = openLegacyDb(`sqlite:${file}`);
    const mode: unknown = await db.raw('PRAGMA journal_mode');
    expect(mode).toEqual([{ journal_mode: 'wal' }]);
    const timeout: unknown = await db.raw('PRAGMA busy_timeout');
    expect(timeout).toEqual([{ timeout: 5000 }]);
    await db.destroy();
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a mysql URL without connecting', async () => {
    const db = openLegacyDb('mysql://user:p%40ss@127.0.0.1:1/shop');
    expect(db.client.driverName).toBe('mysql2');
    await db.destroy();
  });

  it.each([
    ['postgres://user:hunter2@host/db', /scheme "postgres:"/],
    ['hunter2', /scheme \(none\)/],
    ['sqlite:', /scheme "sqlite:"/],
    ['mysql://user:hunter2@host', /scheme "mysql:"/],
    ['mysql://user:hunter2@/db', /scheme "mysql:"/],
  ])('refuses %s with a clear message that hides the password', (url, pattern) => {
    let caught: unknown;
    try {
      openLegacyDb(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LegacyDbUrlError);
    const message = (caught as Error).message;
    expect(message).toMatch(pattern);
    expect(message).not.toContain('hunter2');
  });
});
