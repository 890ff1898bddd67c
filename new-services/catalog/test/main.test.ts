import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildProgram } from '../src/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join('new-services', 'catalog', 'src', 'main.ts');

/** The child's environment: a temp data dir, and no catalog settings inherited from the developer's shell. */
function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STRANGLER_DATA_DIR: dataDir };
  for (const key of ['CATALOG_DATABASE_URL', 'CATALOG_PORT', 'CATALOG_HOST']) delete env[key];
  return { ...env, ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('main.ts', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-main-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('imports without side effects and exposes serve and migrate', () => {
    const program = buildProgram({ STRANGLER_DATA_DIR: dataDir });
    expect(program.commands.map((c) => c.name())).toEqual(['serve', 'migrate']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('serve --port 0 migrates, logs its url as JSON, serves, and exits 0 on %s', async (signal) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], { cwd: ROOT, env: envFor(dataDir) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: Array<Record<string, unknown>> = [];
    const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (parsed.message === 'catalog listening') {
          clearTimeout(timer);
          resolve(parsed);
        }
      });
      child.once('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
    });
    try {
      expect(listening).toMatchObject({ level: 'info', message: 'catalog listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      expect(typeof listening.timestamp).toBe('string');
      const url = String(listening.url);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${url}/products`)).json()).toEqual({ items: [], page: 1, size: 50, total: 0, generatedAt: expect.stringMatching(/\.\d{3}Z$/) });
      expect(fs.existsSync(path.join(dataDir, 'catalog.sqlite'))).toBe(true);
    } finally {
      child.kill(signal);
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(lines.some((l) => l.message === 'request' && l.path === '/health' && l.status === 200)).toBe(true);
  });

  it('a bad CATALOG_DATABASE_URL exits 1 with one line on stderr, no stack, no password', () => {
    const res = run(['serve', '--port', '0'], envFor(dataDir, { CATALOG_DATABASE_URL: 'postgres://admin:s3cret@db/catalog' }));
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^catalog: Unsupported database URL scheme "postgres:"[^\n]*\n$/);
    expect(res.stderr).not.toContain('s3cret');
    expect(res.stdout).toBe('');
  });

  it('migrate applies once, then reports the schema current', () => {
    const env = envFor(dataDir);
    const first = run(['migrate'], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('applied: 001_products\n');
    expect(run(['migrate'], env).stdout).toBe('schema is up to date\n');
  });

  it('rejects a bad --port', () => {
    const res = run(['serve', '--port', 'abc'], envFor(dataDir));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/port/);
  });
});
