import { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from '../index';

function refusal(url: string, readOnly = false): DatabaseUrlError {
  try {
    parseDatabaseUrl(url, readOnly);
  } catch (err) {
    if (err instanceof DatabaseUrlError) return err;
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/x.sqlite', { engine: 'sqlite', filename: './data/x.sqlite' }],
    ['SQLite:/abs/x.sqlite', { engine: 'sqlite', filename: '/abs/x.sqlite' }],
    ['sqlite::memory:', { engine: 'sqlite', filename: ':memory:' }],
    ['mysql://u:p%40ss@db.local:3307/shop', { engine: 'mysql', host: 'db.local', port: 3307, user: 'u', password: 'p@ss', database: 'shop' }],
    ['mysql://root@127.0.0.1/catalog', { engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'catalog' }],
  ])('reads %s', (url, target) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it.each([
    ['postgres://admin:hunter2@db/shop', 'unsupported-scheme', /^Unsupported database URL scheme "postgres:": expected sqlite:<path>, sqlite::memory: or mysql:/],
    ['hunter2.sqlite', 'unsupported-scheme', /^Unsupported database URL scheme \(none\)/],
    ['sqlite:', 'invalid', /^Invalid database URL for scheme "sqlite:": expected sqlite:<path> or sqlite::memory:$/],
    ['mysql://admin:hunter2@host', 'invalid', /^Invalid database URL for scheme "mysql:": expected mysql:\/\/user:pass@host:port\/db$/],
    ['mysql://admin:hunter2@/db', 'invalid', /^Invalid database URL for scheme "mysql:"/],
    ['mysql://admin:hunter2@[bad/db', 'invalid', /^Invalid database URL for scheme "mysql:"/],
    ['mysql://admin:hunter2@host/a/b', 'invalid', /^Invalid database URL for scheme "mysql:"/],
  ])('refuses %s, naming the scheme and never the password', (url, problem, message) => {
    const err = refusal(url);
    expect(err).toMatchObject({ code: 'DATABASE_URL', problem });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('hunter2');
  });

  it('read-only refuses memory (always empty) and lists only the forms it takes', () => {
    expect(refusal('sqlite::memory:', true)).toMatchObject({ problem: 'invalid', expected: 'expected sqlite:<path>' });
    expect(refusal('redis://x', true).expected).toBe('expected sqlite:<path> or mysql://user:pass@host:port/db');
    expect(parseDatabaseUrl('sqlite:legacy.sqlite', true)).toEqual({ engine: 'sqlite', filename: 'legacy.sqlite' });
  });
});

describe('redactDatabaseUrl', () => {
  it('replaces the credentials and leaves the rest', () => {
    expect(redactDatabaseUrl('mysql://admin:hunter2@db:3306/shop')).toBe('mysql://***@db:3306/shop');
    expect(redactDatabaseUrl('sqlite:./data/legacy.sqlite')).toBe('sqlite:./data/legacy.sqlite');
  });
});
