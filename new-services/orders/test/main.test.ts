import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildProgram } from '../src/main';
import { eventually } from '../../../platform/test-kit/eventually';
import { startCatalogStub, product, type CatalogStub } from './kit/catalog-stub';
import { startInventoryFront, stockOf, type InventoryFront } from './kit/inventory-front';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join('new-services', 'orders', 'src', 'main.ts');

/** The child's environment: a temp data dir, and nothing ORDERS_* inherited from the developer's shell. */
function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STRANGLER_DATA_DIR: dataDir };
  for (const name of Object.keys(env)) if (name.startsWith('ORDERS_')) delete env[name];
  return { ...env, ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('orders main.ts', () => {
  let dataDir: string;
  let stub: CatalogStub;
  let inventory: InventoryFront;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-main-'));
    stub = await startCatalogStub([product(1, 1250)]);
    inventory = await startInventoryFront([stockOf(1, 10)]);
  });
  afterEach(async () => {
    await stub.stop();
    await inventory.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports without side effects and exposes serve and migrate', () => {
    expect(buildProgram({ STRANGLER_DATA_DIR: dataDir }).commands.map((c) => c.name())).toEqual(['serve', 'migrate']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('serve --port 0 migrates, logs its url, takes orders priced by the catalog and reserved in inventory, exits 0 on %s', async (signal) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], { cwd: ROOT, env: envFor(dataDir, { ORDERS_CATALOG_URL: stub.url, ORDERS_INVENTORY_URL: inventory.url }) });
    const raw: string[] = [];
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        raw.push(line);
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (parsed.message === 'orders listening') {
          clearTimeout(timer);
          resolve(parsed);
        }
      });
    });
    try {
      const hello = await listening;
      const url = String(hello.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(raw.find((l) => l.includes('orders listening'))).toMatch(/^\{"message":"orders listening","service":"orders","url":"http:\/\/127\.0\.0\.1:\d+",/);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      const created = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'main-1', 'x-request-id': 'main-req' },
        body: JSON.stringify({ customerId: 1, lines: [{ productId: 1, quantity: 3 }] }),
      });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { total: unknown }).total).toEqual({ amount: 3750, currency: 'EUR' });
      expect(await inventory.level(1)).toEqual({ onHand: 7, reserved: 0, available: 7 });
      // The line is written when the answer finishes, which may be just after the client has it.
      expect(await eventually(() => lines.find((l) => l.requestId === 'main-req'))).toMatchObject({ message: 'request', method: 'POST', path: '/orders', status: 201, level: 'info' });
      expect(fs.existsSync(path.join(dataDir, 'orders.sqlite'))).toBe(true);
    } finally {
      child.kill(signal);
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('a bad ORDERS_DATABASE_URL exits 1 with one line on stderr, naming the scheme, hiding the password', () => {
    const res = run(['serve', '--port', '0'], envFor(dataDir, { ORDERS_DATABASE_URL: 'postgres://admin:s3cret@db/orders' }));
    expect(res.status).toBe(1);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^orders: Unsupported database URL scheme "postgres:"/);
    expect(res.stderr).not.toContain('s3cret');
    expect(res.stdout).toBe('');
  });

  it('migrate applies once, then reports the schema current', () => {
    const env = envFor(dataDir);
    expect(run(['migrate'], env)).toMatchObject({ status: 0, stdout: 'applied: 001_orders, 002_checkout_saga\n' });
    expect(run(['migrate'], env)).toMatchObject({ status: 0, stdout: 'schema is up to date\n' });
  });

  it('refuses a bad ORDERS_INVENTORY_URL and a bad ORDERS_SAGA_RETRY_ATTEMPTS', () => {
    expect(run(['serve', '--port', '0'], envFor(dataDir, { ORDERS_INVENTORY_URL: 'ftp://x' })).stderr).toMatch(/^orders: ORDERS_INVENTORY_URL must be http or https/);
    expect(run(['serve', '--port', '0'], envFor(dataDir, { ORDERS_SAGA_RETRY_ATTEMPTS: '0' })).stderr).toMatch(/^orders: ORDERS_SAGA_RETRY_ATTEMPTS must be/);
  });

  it('refuses a bad --port and a bad ORDERS_CATALOG_TIMEOUT_MS', () => {
    expect(run(['serve', '--port', 'abc'], envFor(dataDir)).status).not.toBe(0);
    const res = run(['serve', '--port', '0'], envFor(dataDir, { ORDERS_CATALOG_TIMEOUT_MS: 'soon' }));
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^orders: ORDERS_CATALOG_TIMEOUT_MS must be an integer/);
  });
});
