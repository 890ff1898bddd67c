import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * `strangler up` (npm start) as a newcomer meets it: on shifted ports, driven by the CLI with no
 * flag at all; a second start while it runs; a taken port; a component that cannot start.
 */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const base = mkdtempSync(path.join(os.tmpdir(), 'strangler-local-stack-'));

/** The environment without the settings a developer's shell may carry. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(STRANGLER_|GATEWAY_|LEGACY_|CATALOG_|ORDERS_)/.test(k)) delete env[k];
  return { ...env, ...extra };
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** A port something listens on, for as long as the test holds it. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const held = await holdPort();
  await held.close();
  return held.port;
}

interface Stack {
  readonly child: ChildProcess;
  readonly banner: Map<string, string>;
  stop(): Promise<number | null>;
}

/** `strangler up` on free ports and its own data directory; resolves once its banner is out. */
function startUp(dataDir: string): Promise<Stack> {
  const child = spawn(process.execPath, [BIN, 'up', '--catalog-instances', '1', '--quiet'], {
    cwd: ROOT,
    env: cleanEnv({ STRANGLER_DATA_DIR: dataDir, GATEWAY_PORT: '0', LEGACY_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', STRANGLER_ADMIN_PORT: '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const banner = new Map<string, string>();
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^ {2}(gateway|admin API|catalog service|orders service) +(http:\/\/\S+)/.exec(line);
      if (m) banner.set(m[1] as string, m[2] as string);
      if (line === 'Press Ctrl-C to stop.') {
        resolve({
          child,
          banner,
          stop: () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`up exited with ${code}: ${stderr}`)));
  });
}

describe('the local stack and the CLI', () => {
  const dataDir = path.join(base, 'stack');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startUp(dataDir);
  }, 120_000);

  afterAll(async () => {
    if (stack) expect(await stack.stop()).toBe(0);
    // The addresses are gone with the stack: the next command falls back to the defaults.
    expect(existsSync(path.join(dataDir, 'stack.json'))).toBe(false);
  }, 30_000);

  it('writes where it runs to the data directory, and every command uses it without a flag', async () => {
    const file = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ gateway: stack.banner.get('gateway'), admin: stack.banner.get('admin API'), orders: stack.banner.get('orders service') });
    const list = await cli(['routes', 'list'], { STRANGLER_DATA_DIR: dataDir });
    expect([list.status, list.stderr]).toEqual([0, '']);
    expect(list.stdout).toMatch(/^v2\.products +/m);
    const verify = await cli(['verify', 'orders', '--json'], { STRANGLER_DATA_DIR: dataDir });
    expect(verify.stderr).not.toContain('cannot reach');
  });

  it('reads the same port variables as the stack', async () => {
    const admin = new URL(stack.banner.get('admin API') as string);
    // Another data directory (no stack.json), the token given: only the variable can lead to the admin API.
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const list = await cli(['routes', 'list'], { STRANGLER_DATA_DIR: path.join(base, 'elsewhere'), STRANGLER_ADMIN_PORT: admin.port, STRANGLER_ADMIN_TOKEN: token });
    expect([list.status, list.stderr]).toEqual([0, '']);
  });

  it('a connection error names where the address came from and how to change it; nothing is left behind', async () => {
    const port = String(await freePort());
    const r = await cli(['backfill', 'catalog'], { STRANGLER_DATA_DIR: dataDir, CATALOG_PORT: port });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`strangler: cannot reach the catalog service at http://127.0.0.1:${port}: ECONNREFUSED (address from CATALOG_PORT; change CATALOG_PORT or set --catalog-url <url>)\n`);
    expect(existsSync(path.join(dataDir, 'backfill', 'catalog.rejects.jsonl'))).toBe(false);
    const admin = await cli(['routes', 'list'], { STRANGLER_DATA_DIR: path.join(base, 'elsewhere'), STRANGLER_ADMIN_PORT: port, STRANGLER_ADMIN_TOKEN: 'x' });
    expect(admin.stderr).toMatch(/^strangler: cannot reach the admin API at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED .*; the address came from STRANGLER_ADMIN_PORT: change STRANGLER_ADMIN_PORT or set --admin <url>\n$/);
  });

  it('a refused token names where it came from', async () => {
    const r = await cli(['routes', 'list'], { STRANGLER_DATA_DIR: dataDir, STRANGLER_ADMIN_TOKEN: 'not-the-token' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the bearer token is wrong (the token came from STRANGLER_ADMIN_TOKEN;');
  });

  it('a second start fails at once and leaves the running stack, its token included, as it was', async () => {
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8');
    const r = await cli(['up'], { STRANGLER_DATA_DIR: dataDir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`strangler: a stack is already running from this data directory (pid ${stack.child.pid}, gateway ${stack.banner.get('gateway')}`);
    expect(readFileSync(path.join(dataDir, 'admin-token'), 'utf8')).toBe(token);
    expect((await cli(['routes', 'list'], { STRANGLER_DATA_DIR: dataDir })).status).toBe(0);
  });

  it("a second start from another directory on the first one's ports names the port and its holder, and touches nothing", async () => {
    const other = path.join(base, 'second');
    const gatewayPort = new URL(stack.banner.get('gateway') as string).port;
    const r = await cli(['up'], { STRANGLER_DATA_DIR: other, GATEWAY_PORT: gatewayPort, LEGACY_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', STRANGLER_ADMIN_PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`127.0.0.1:${gatewayPort} (gateway) is taken by pid `);
    expect(r.stderr).toContain('choose another with --port or GATEWAY_PORT');
    expect(existsSync(path.join(other, 'admin-token'))).toBe(false);
  });
});

describe('a stack that cannot start', () => {
  it('a taken port fails the start before anything is started, naming the holder', async () => {
    const held = await holdPort();
    try {
      const dir = path.join(base, 'taken');
      const r = await cli(['up'], { STRANGLER_DATA_DIR: dir, LEGACY_PORT: String(held.port), GATEWAY_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', STRANGLER_ADMIN_PORT: '0' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`127.0.0.1:${held.port} (legacy monolith) is taken by pid ${process.pid} (`);
      expect(r.stderr).not.toContain('starting the');
      expect(existsSync(path.join(dir, 'admin-token'))).toBe(false);
    } finally {
      await held.close();
    }
  });

  it('a component that fails to start ends the whole stack with a non-zero exit', async () => {
    const dir = path.join(base, 'broken');
    mkdirSync(dir, { recursive: true });
    // The catalog cannot open its database: the monolith is already up by then, and must be stopped too.
    writeFileSync(path.join(dir, 'not-a-dir'), '');
    const r = await cli(['up'], { STRANGLER_DATA_DIR: dir, CATALOG_DATABASE_URL: `sqlite:${path.join(dir, 'not-a-dir', 'catalog.sqlite')}`, GATEWAY_PORT: '0', LEGACY_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', STRANGLER_ADMIN_PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('strangler: legacy monolith ready at');
    expect(r.stderr).toMatch(/catalog 1 exited \(code 1\) before it was listening/);
    expect(r.stderr).toContain('strangler: stopped');
  }, 120_000);
});
