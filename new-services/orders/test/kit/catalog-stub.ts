import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Product } from '../../../catalog/src/contract';

/** How the stub answers: normally, never (to trip the client's timeout), or with a 500. */
export type StubMode = 'up' | 'hang' | 'error';

/** A real catalog stand-in on port 0 serving `GET /products/:id` from a configurable map. */
export interface CatalogStub {
  readonly url: string;
  readonly products: Map<number, Product>;
  mode: StubMode;
  /** Product ids asked for, in order. */
  readonly requests: number[];
  /** The `traceparent` each request came with, in order. */
  readonly traceparents: (string | undefined)[];
  put(...products: Product[]): void;
  /** Closes the listener and every socket: afterwards the port refuses connections (catalog down). */
  stop(): Promise<void>;
}

export function product(id: number, amount: number, overrides: Partial<Product> = {}): Product {
  return {
    id,
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    description: null,
    price: { amount, currency: 'EUR' },
    status: 'active',
    updatedAt: '2024-01-02T03:04:05Z',
    ...overrides,
  };
}

export async function startCatalogStub(initial: Product[] = []): Promise<CatalogStub> {
  const products = new Map(initial.map((p) => [p.id, p]));
  const sockets = new Set<Socket>();
  const requests: number[] = [];
  const traceparents: (string | undefined)[] = [];
  const hanging: ServerResponse[] = [];
  const state = { mode: 'up' as StubMode };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/products\/(\d+)$/.exec(req.url ?? '');
    if (match !== null) requests.push(Number(match[1]));
    traceparents.push(req.headers.traceparent as string | undefined);
    if (state.mode === 'hang') {
      hanging.push(res);
      return;
    }
    if (state.mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{"status":500}');
      return;
    }
    const found = match === null ? undefined : products.get(Number(match[1]));
    if (found === undefined) {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404,"title":"Not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    products,
    requests,
    traceparents,
    get mode() {
      return state.mode;
    },
    set mode(next: StubMode) {
      state.mode = next;
    },
    put(...more) {
      for (const p of more) products.set(p.id, p);
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
