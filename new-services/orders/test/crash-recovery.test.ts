import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Knex } from 'knex';
import { openDatabase } from '../../../platform';
import { eventually } from '../../../platform/test-kit/eventually';
import { product, startCatalogStub, type CatalogStub } from './kit/catalog-stub';
import { startInventoryFront, stockOf, type InventoryFront } from './kit/inventory-front';

/**
 * An orders process killed with SIGKILL mid-saga (a real process, nothing flushed, nothing
 * cleaned up), then started again on the same database: it finds the saga in its log and
 * finishes it, backwards before the pivot, forwards after it.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join('new-services', 'orders', 'src', 'main.ts');

interface Orders {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: Array<Record<string, unknown>>;
  readonly exited: Promise<unknown>;
}

async function startOrders(dataDir: string, catalog: string, inventory: string): Promise<Orders> {
  const env: NodeJS.ProcessEnv = { ...process.env, STRANGLER_DATA_DIR: dataDir };
  for (const name of Object.keys(env)) if (name.startsWith('ORDERS_')) delete env[name];
  Object.assign(env, { ORDERS_CATALOG_URL: catalog, ORDERS_INVENTORY_URL: inventory, ORDERS_INVENTORY_TIMEOUT_MS: '60000', ORDERS_SAGA_RETRY_BASE_MS: '5' });
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const hello = await eventually(() => lines.find((l) => l.message === 'orders listening'), { timeoutMs: 30_000 });
  return { child, url: String(hello.url), lines, exited };
}

describe('orders killed mid-saga, then restarted', () => {
  let dataDir: string;
  let catalog: CatalogStub;
  let inventory: InventoryFront;
  let db: Knex;
  const running: Orders[] = [];
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-crash-'));
    catalog = await startCatalogStub([product(1, 1250), product(2, 399)]);
    inventory = await startInventoryFront([stockOf(1, 10), stockOf(2, 10)]);
    db = openDatabase(`sqlite:${path.join(dataDir, 'orders.sqlite')}`);
  });
  afterEach(async () => {
    for (const o of running.splice(0)) {
      o.child.kill('SIGKILL');
      await o.exited;
    }
    await db.destroy();
    await inventory.close();
    await catalog.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const o = await startOrders(dataDir, catalog.url, inventory.url);
    running.push(o);
    return o;
  };
  const kill = async (o: Orders) => {
    o.child.kill('SIGKILL');
    await o.exited;
    running.splice(running.indexOf(o), 1);
  };
  const place = (o: Orders) =>
    fetch(`${o.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'crash-1' },
      body: JSON.stringify({ customerId: 1, lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 3 }] }),
    }).catch(() => undefined);
  const sagaState = async () => (await db('order_sagas').first('state', 'reason')) as { state: string; reason: string | null } | undefined;
  const orderRow = async () => (await db('orders').first('status', 'rejection_reason')) as { status: string; rejection_reason: string | null } | undefined;

  it('between reservation and confirmation: the restarted process releases what was reserved and rejects the order; the key is free again', async () => {
    // The second reservation never gets an answer: the process is killed while it waits for it.
    inventory.fault = ({ method, path: p }) => (method === 'PUT' && p.endsWith(':2') ? 'hang' : 'pass');
    const first = await start();
    void place(first);
    await eventually(async () => (await inventory.reservations()).held === 1 && inventory.requests.some((r) => r.startsWith('PUT') && r.endsWith(':2')));
    await kill(first);
    expect(await orderRow()).toEqual({ status: 'pending', rejection_reason: null });
    expect(await sagaState()).toEqual({ state: 'running', reason: null });
    expect(await inventory.level(1)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    inventory.fault = () => 'pass';
    const second = await start();
    await eventually(async () => (await sagaState())?.state === 'rejected');
    expect(await orderRow()).toEqual({ status: 'rejected', rejection_reason: 'interrupted: the orders service stopped before the order was confirmed' });
    expect(await inventory.level(1)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await inventory.level(2)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    // Line 2's reservation never reached inventory; its release is a tombstone, so it can never hold stock later.
    expect(await inventory.reservations()).toEqual({ released: 2 });
    expect(second.lines.find((l) => l.message === 'resuming checkout saga')).toMatchObject({ state: 'running', stuck: false });
    // The client never had an answer; its retry with the same key is a fresh checkout.
    const retry = await place(second);
    expect(retry?.status).toBe(201);
    expect(await inventory.level(1)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('between confirmation and commit: the restarted process commits the reservations; the order stays confirmed', async () => {
    inventory.fault = ({ path: p }) => (p.endsWith('/commit') ? 'hang' : 'pass');
    const first = await start();
    void place(first);
    await eventually(async () => (await orderRow())?.status === 'new' && inventory.requests.some((r) => r.endsWith('/commit')));
    await kill(first);
    expect(await sagaState()).toEqual({ state: 'committing', reason: null });

    inventory.fault = () => 'pass';
    await start();
    await eventually(async () => (await sagaState())?.state === 'done');
    expect(await orderRow()).toEqual({ status: 'new', rejection_reason: null });
    expect(await inventory.reservations()).toEqual({ committed: 2 });
    expect(await inventory.level(1)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });
});
