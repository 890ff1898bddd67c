import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildProgram } from '../src/main';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join('legacy-monolith', 'src', 'main.ts');

/** The child's environment: a temp data dir, and no database URL inherited from the developer's shell. */
function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STRANGLER_DATA_DIR: dataDir, ...extra };
  if (extra.LEGACY_DATABASE_URL === undefined) delete env.LEGACY_DATABASE_URL;
  delete env.LEGACY_PORT;
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function waitForLine(child: ChildProcessWithoutNullStreams, lines: Array<Record<string, unknown>>, match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a log line')), 20000);
    const check = (): void => {
      const hit = lines.find(match);
      if (hit !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(hit);
      }
    };
    child.stdout.on('data', () => setImmediate(check));
    child.once('exit', () => reject(new Error('server exited early')));
    check();
  });
}

describe('main.ts', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-main-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('imports without side effects and exposes the serve, migrate and seed commands', () => {
    const program = buildProgram({ STRANGLER_DATA_DIR: dataDir });
    expect(program.commands.map((c) => c.name())).toEqual(['serve', 'migrate', 'seed']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('serve --port 0: migrates, seeds, logs its url and each request as JSON, exits 0 on %s', async (signal) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], { cwd: ROOT, env: envFor(dataDir) });
    const lines: Array<Record<string, unknown>> = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listening = await waitForLine(child, lines, (l) => l.message === 'legacy monolith listening');
      const url = String(listening.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(typeof listening.timestamp).toBe('string');
      const health = await fetch(`${url}/health`, { headers: { 'x-request-id': 'from-test-1' } });
      expect(await health.json()).toEqual({ status: 'ok' });
      const products = (await (await fetch(`${url}/api/products?size=1`)).json()) as Record<string, unknown>;
      expect(products).toMatchObject({ PAGE: 1, SIZE: 1, TOTAL: 500 });
      const logged = await waitForLine(child, lines, (l) => l.requestId === 'from-test-1');
      expect(logged).toMatchObject({ level: 'info', method: 'GET', path: '/health', status: 200 });
      expect(typeof logged.durationMs).toBe('number');
      expect(typeof logged.timestamp).toBe('string');
      expect(fs.existsSync(path.join(dataDir, 'legacy.sqlite'))).toBe(true);
    } finally {
      child.kill(signal);
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('a bad LEGACY_DATABASE_URL exits 1 with one clear line on stderr and no stack trace', () => {
    const res = run(['serve', '--port', '0'], envFor(dataDir, { LEGACY_DATABASE_URL: 'postgres://admin:s3cret@db/shop' }));
    expect(res.status).toBe(1);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^legacy-monolith: Unsupported database URL scheme "postgres:"/);
    expect(res.stderr).not.toContain('s3cret');
    expect(res.stderr).not.toMatch(/\bat\s/);
  });

  it('migrate and seed --rows work on the default data dir and a second seed is refused', () => {
    const env = envFor(dataDir);
    const migrated = run(['migrate'], env);
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toBe('applied: 001_catalog_and_customers, 002_orders, 003_inventory\n');
    expect(run(['migrate'], env).stdout).toBe('schema is up to date\n');
    const seeded = run(['seed', '--rows', '2000'], env);
    expect(seeded.status).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ products: 2000, customers: 800, orders: 1200, inventory: 2000 });
    expect(seeded.stderr).toMatch(/seeding 2000\/2000 products \(100% of the shop, with its customers, orders and stock\)\n$/);
    const again = run(['seed'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('legacy-monolith: database is already seeded (PRD_MSTR has rows); refusing to seed twice\n');
  });

  it('rejects a bad --port', () => {
    const res = run(['serve', '--port', 'abc'], envFor(dataDir));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/port/);
  });
});
