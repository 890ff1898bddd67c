import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { runMigrations, runServiceCli, serviceProgram, type NamedMigration, type ServiceDefinition } from '../index';

const THINGS: NamedMigration = {
  name: '001_things',
  up: (db) => db.schema.createTable('things', (t) => t.increments('id')),
  down: (db) => db.schema.dropTable('things'),
};

function service(overrides: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return {
    name: 'things',
    description: 'a service made for this test',
    title: 'things',
    envPrefix: 'THINGS',
    defaultPort: 4999,
    sqliteFile: 'things.sqlite',
    serveDescription: 'serve things',
    migrateDescription: 'bring the things schema up to date',
    migrate: (db) => runMigrations(db, { tableName: 'things_migrations', migrations: [THINGS] }),
    app: () => () => express(),
    ...overrides,
  };
}

/** Runs the CLI in this process, capturing what it writes and the exit code it sets. */
async function run(def: ServiceDefinition, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    await runServiceCli(def, ['node', 'main.ts', ...args], env);
    return { stdout: out.mock.calls.map((c) => String(c[0])).join(''), stderr: err.mock.calls.map((c) => String(c[0])).join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}

describe('the service main skeleton', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-main-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('builds serve, migrate and the service\'s own commands without reading or opening anything', () => {
    const def = service({ commands: (program) => void program.command('seed') });
    expect(serviceProgram(def, { STRANGLER_DATA_DIR: dataDir }).commands.map((c) => c.name())).toEqual(['serve', 'migrate', 'seed']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('migrate uses <PREFIX>_DATABASE_URL or the SQLite file under STRANGLER_DATA_DIR, and reports what it applied', async () => {
    const env = { STRANGLER_DATA_DIR: dataDir };
    expect(await run(service(), ['migrate'], env)).toEqual({ stdout: 'applied: 001_things\n', stderr: '', exitCode: 0 });
    expect(await run(service(), ['migrate'], env)).toEqual({ stdout: 'schema is up to date\n', stderr: '', exitCode: 0 });
    expect(fs.existsSync(path.join(dataDir, 'things.sqlite'))).toBe(true);
    const other = path.join(dataDir, 'elsewhere', 'x.sqlite');
    expect((await run(service(), ['migrate'], { ...env, THINGS_DATABASE_URL: `sqlite:${other}` })).stdout).toBe('applied: 001_things\n');
    expect(fs.existsSync(other)).toBe(true);
  });

  it('a bad database URL is one line on stderr and exit code 1, never the password', async () => {
    const res = await run(service(), ['serve', '--port', '0'], { STRANGLER_DATA_DIR: dataDir, THINGS_DATABASE_URL: 'postgres://admin:s3cret@db/things' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/^things: Unsupported database URL scheme "postgres:"[^\n]*\n$/);
    expect(res.stderr).not.toContain('s3cret');
  });

  it("settings are checked before anything is opened: a bad <PREFIX>_PORT or the service's own", async () => {
    const port = await run(service(), ['serve'], { STRANGLER_DATA_DIR: dataDir, THINGS_PORT: 'eighty' });
    expect(port).toMatchObject({ exitCode: 1, stderr: 'things: THINGS_PORT must be an integer between 0 and 65535\n' });
    const refusing = service({
      app: () => {
        throw new Error('THINGS_UPSTREAM is not a URL');
      },
    });
    expect(await run(refusing, ['serve', '--port', '0'], { STRANGLER_DATA_DIR: dataDir })).toMatchObject({ exitCode: 1, stderr: 'things: THINGS_UPSTREAM is not a URL\n' });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('an extra command gets the database, closed after it ran', async () => {
    let seen: number | undefined;
    const def = service({
      commands: (program, database) => {
        program.command('count').action(async () => {
          seen = await database.use(async (db) => {
            await def.migrate(db);
            const row: { n?: number | string } | undefined = await db('things').count({ n: '*' }).first();
            return Number(row?.n);
          });
        });
      },
    });
    expect(await run(def, ['count'], { STRANGLER_DATA_DIR: dataDir })).toMatchObject({ exitCode: 0 });
    expect(seen).toBe(0);
  });
});
