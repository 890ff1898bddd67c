import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CompiledUpstream } from '../../src/config/table';
import { callShadow, shadowHeaders, type CallResult, type ShadowRequest } from '../../src/shadow/shadow-call';
import { ShadowClients, SHADOW_PIPELINING } from '../../src/shadow/shadow-clients';
import { tableFor } from '../kit/gateway';

/**
 * The shadow side's HTTP calls (undici pools, pipelined, writes coalesced per turn of the event
 * loop), against a raw TCP server that shows what arrived on the wire and in how many pieces.
 */

interface Received {
  readonly connection: number;
  readonly head: string;
  readonly body: string;
}

interface RawServer {
  readonly port: number;
  /** Every request, in order of arrival. */
  readonly requests: Received[];
  /** Per connection, how many reads it took to receive what arrived. */
  readonly reads: number[];
  close(): Promise<void>;
}

/**
 * A pipelining HTTP/1.1 server: answers every request in order on its connection, with a JSON
 * body naming the path, unless the path is /stall (never answered, and nothing after it on that
 * connection is either, as HTTP/1.1 answers in order) or /big (a body of 10,000 bytes).
 */
async function startRawServer(): Promise<RawServer> {
  const requests: Received[] = [];
  const reads: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connection = reads.push(0) - 1;
    let buffered = '';
    let stalled = false;
    socket.on('data', (chunk: Buffer) => {
      reads[connection] = (reads[connection] ?? 0) + 1;
      buffered += chunk.toString('latin1');
      // The answers to what arrived together leave together.
      socket.cork();
      process.nextTick(() => socket.uncork());
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.slice(end + 4, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        requests.push({ connection, head, body });
        const path = head.split(' ')[1] ?? '';
        if (path === '/stall') stalled = true;
        if (stalled) continue;
        const payload = path === '/big' ? JSON.stringify({ pad: 'x'.repeat(10_000) }) : JSON.stringify({ path, body });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    reads,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function upstreamAt(port: number): CompiledUpstream {
  return tableFor({ fresh: `http://127.0.0.1:${port}` }, []).upstreams.get('fresh') as CompiledUpstream;
}

let server: RawServer;
let clients: ShadowClients;
beforeEach(async () => {
  server = await startRawServer();
  // Concurrency up to the pipelining depth: one connection per upstream.
  clients = new ShadowClients(SHADOW_PIPELINING);
});
afterEach(async () => {
  clients.close();
  await server.close();
});

function request(path: string, o: Partial<ShadowRequest> = {}): ShadowRequest {
  const upstream = upstreamAt(server.port);
  return { upstream, origin: upstream.instances[0]!.origin, method: 'GET', path, headers: shadowHeaders(['accept', 'application/json']), body: null, timeoutMs: 2_000, maxResponseBytes: 1_000_000, ...o };
}

const call = (r: ShadowRequest) => new Promise<CallResult>((resolve) => callShadow(r, clients, resolve));

function bodyOf(result: CallResult): unknown {
  if (!result.ok) throw new Error(`call failed: ${result.detail}`);
  return JSON.parse(result.answer.body.toString('utf8'));
}

/** Counts what the client's sockets to the raw server are asked to write: one entry per write to the kernel, the number of chunks in it. */
async function countingWrites<T>(run: () => Promise<T>): Promise<{ result: T; writes: number[] }> {
  const writes: number[] = [];
  const socket = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const spies = (['_write', '_writev'] as const).map((method) => {
    const original = socket[method];
    return jest.spyOn(socket, method).mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === server.port) writes.push(method === '_writev' ? (args[0] as unknown[]).length : 1);
      return original.apply(this, args);
    });
  });
  try {
    return { result: await run(), writes };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

it('calls sent in one turn of the event loop share a connection and leave in one write, each answered with its own answer', async () => {
  bodyOf(await call(request('/warm'))); // the connection is open and idle
  const paths = ['/a', '/b', '/c', '/d', '/e'];
  const { result, writes } = await countingWrites(() => Promise.all(paths.map((p) => call(request(p)))));
  expect(result.map((r) => (bodyOf(r) as { path: string }).path)).toEqual(paths);
  expect(server.reads).toHaveLength(1);
  expect(server.requests.map((r) => r.connection)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(writes).toEqual([5]);
});

it('calls waiting for a pipelined place leave together too, once the answers before them are in', async () => {
  bodyOf(await call(request('/warm')));
  const paths = Array.from({ length: SHADOW_PIPELINING + 4 }, (_, i) => `/p${i}`);
  const { result, writes } = await countingWrites(() => Promise.all(paths.map((p) => call(request(p)))));
  expect(result.map((r) => (bodyOf(r) as { path: string }).path)).toEqual(paths);
  expect(server.reads).toHaveLength(1);
  expect(writes).toEqual([SHADOW_PIPELINING, 4]);
});

it('what goes on the wire: the marker, no Expect, and the length of the body actually sent', async () => {
  const headers = shadowHeaders(['Expect', '100-continue', 'content-length', '999', 'x-request-id', 'r-1', 'content-type', 'application/json']);
  expect(headers).toEqual({ 'x-request-id': 'r-1', 'content-type': 'application/json', 'x-strangler-shadow': '1' });
  const result = await call(request('/orders', { method: 'POST', headers, body: Buffer.from('{"qty":2}') }));
  expect(bodyOf(result)).toEqual({ path: '/orders', body: '{"qty":2}' });
  const head = (server.requests[0] as Received).head.toLowerCase();
  expect(head).toMatch(/^post \/orders http\/1\.1\r\n/);
  expect(head).toContain('\r\ncontent-length: 9');
  expect(head).toContain('\r\nx-strangler-shadow: 1');
  expect(head).not.toContain('expect:');
});

it('a call stuck on a pipelined connection times out alone: the one behind it is sent again on a new connection and answered', async () => {
  const [stuck, behind] = await Promise.all([call(request('/stall', { timeoutMs: 200 })), call(request('/after', { timeoutMs: 5_000 }))]);
  expect(stuck).toMatchObject({ ok: false, timeout: true });
  expect(bodyOf(behind)).toEqual({ path: '/after', body: '' });
  // Both went out on the first connection; /after again on a second once the first was closed.
  expect(server.requests.map((r) => [r.connection, r.head.split(' ')[1]])).toEqual([
    [0, '/stall'],
    [0, '/after'],
    [1, '/after'],
  ]);
});

it('an answer beyond the cap is cut there and marked truncated, and the pool goes on working', async () => {
  const big = await call(request('/big', { maxResponseBytes: 1_000 }));
  expect(big.ok && big.answer.truncated).toBe(true);
  expect(big.ok && big.answer.body.length).toBeLessThanOrEqual(1_000);
  expect(bodyOf(await call(request('/next')))).toEqual({ path: '/next', body: '' });
});

it('nobody listening: a failed call naming the socket error, never a throw', async () => {
  const port = server.port;
  await server.close();
  const result = await call({ ...request('/x'), upstream: upstreamAt(port) });
  expect(result).toMatchObject({ ok: false, timeout: false, detail: 'ECONNREFUSED' });
});

it('a header value that cannot be written fails that call only, and the pool goes on working', async () => {
  const result = await call(request('/x', { headers: { ...shadowHeaders([]), 'x-bad': 'a\r\nb' } }));
  expect(result).toMatchObject({ ok: false, timeout: false, detail: 'header "x-bad" cannot be sent' });
  expect(bodyOf(await call(request('/y')))).toEqual({ path: '/y', body: '' });
});
