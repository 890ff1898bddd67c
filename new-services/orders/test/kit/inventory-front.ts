import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Knex } from 'knex';
import { openDatabase, silentLogger } from '../../../../platform';
import { createInventoryApp, migrateInventory, type Stock } from '../../../inventory/src/index';

/**
 * What the front does with one request: pass it to the real inventory, answer 503, hold it
 * unanswered (a timeout for the caller), or pass it and then cut the connection before the answer
 * (applied, but the caller cannot know).
 */
export type Fault = 'pass' | 'error' | 'hang' | 'lose-answer';

/** The real inventory service (in-memory SQLite) behind a front a test can break, on port 0. */
export interface InventoryFront {
  readonly url: string;
  readonly db: Knex;
  /** Decides each request's fate; `pass` unless a test says otherwise. */
  fault: (req: { method: string; path: string }) => Fault;
  /** Requests seen, as `METHOD /path`. */
  readonly requests: string[];
  /** Closes the listener: connections are refused until `start()` (inventory down). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  level(productId: number): Promise<{ onHand: number; reserved: number; available: number }>;
  /** Reservations by state, e.g. `{ held: 2, released: 1 }`. */
  reservations(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export function stockOf(productId: number, onHand: number): Stock {
  return { productId, onHand, reserved: 0, available: onHand, updatedAt: '2024-01-02T03:04:05Z' };
}

export async function startInventoryFront(stock: readonly Stock[], options: { url?: string } = {}): Promise<InventoryFront> {
  const db = openDatabase(options.url ?? 'sqlite::memory:');
  await migrateInventory(db);
  const app = createInventoryApp({ db, logger: silentLogger });
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const front = {
    fault: ((): Fault => 'pass') as InventoryFront['fault'],
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(`${req.method} ${path}`);
    const fault = front.fault({ method: req.method ?? 'GET', path });
    if (fault === 'hang') {
      hanging.add(res);
      return;
    }
    if (fault === 'error') {
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{"status":503}');
      return;
    }
    if (fault === 'lose-answer') {
      // Let inventory do the work, then drop the connection instead of answering.
      res.end = (() => {
        res.socket?.destroy();
        return res;
      }) as typeof res.end;
    }
    (app as unknown as (req: IncomingMessage, res: ServerResponse) => void)(req, res);
  };
  let server: Server = createServer(handler);
  const listen = (port: number) =>
    new Promise<void>((resolve) => {
      server = createServer(handler);
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    for (const res of hanging) res.destroy();
    hanging.clear();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  if (stock.length > 0) {
    const res = await fetch(`http://127.0.0.1:${port}/inventory/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: stock }) });
    if (res.status !== 200) throw new Error(`inventory stock load answered ${res.status}`);
    requests.length = 0;
  }
  return Object.assign(front, {
    url: `http://127.0.0.1:${port}`,
    db,
    requests,
    down: stop,
    start: () => listen(port),
    async level(productId: number) {
      const row = (await db('inventory_stock').where('product_id', productId).first()) as { on_hand: number; held: number; reserved: number };
      return { onHand: Number(row.on_hand), reserved: Number(row.held) + Number(row.reserved), available: Number(row.on_hand) - Number(row.held) - Number(row.reserved) };
    },
    async reservations() {
      const rows: Array<{ state: string; n: number | string }> = await db('inventory_reservations').groupBy('state').select('state').count({ n: '*' });
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
    async close() {
      if (server.listening) await stop();
      await db.destroy();
    },
  });
}
