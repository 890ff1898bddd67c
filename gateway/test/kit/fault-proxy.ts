import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the fault proxy does to the next connections:
 * - pass: a plain TCP relay to the target;
 * - refuse: stops listening, so connecting is refused (ECONNREFUSED) until the mode changes;
 * - black-hole: accepts and reads, never answers;
 * - reset-after-headers: relays until the answer's head has passed, then resets the connection;
 * - slow-drip: relays the answer one byte every `dripMs`;
 * - latency: holds the answer back `latencyMs` before relaying it.
 */
export type Fault = 'pass' | 'refuse' | 'black-hole' | 'reset-after-headers' | 'slow-drip' | 'latency';

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far (a refused one is never accepted). */
  connections(): number;
  /** Bytes read from the gateway so far: a request that was sent shows here, an idle connection does not. */
  received(): number;
  set(fault: Fault, options?: { latencyMs?: number; dripMs?: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A small in-process TCP proxy in front of a real upstream that injects socket-level faults, so
 * that tests exercise real sockets on real timers instead of a mocked network.
 */
export async function startFaultProxy(target: { port: number; host?: string }): Promise<FaultProxy> {
  let fault: Fault = 'pass';
  let latencyMs = 200;
  let dripMs = 50;
  let accepted = 0;
  let received = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    if (fault === 'black-hole') {
      client.resume();
      return;
    }
    const upstream = net.connect(target.port, target.host ?? '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    relay(fault, upstream, client, { latencyMs, dripMs });
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    received: () => received,
    async set(next, options = {}) {
      latencyMs = options.latencyMs ?? latencyMs;
      dripMs = options.dripMs ?? dripMs;
      fault = next;
      if (next === 'refuse' && listening) {
        listening = false;
        await new Promise<void>((r) => server.close(() => r()));
      } else if (next !== 'refuse' && !listening) {
        listening = true;
        await listen(server, port);
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function relay(fault: Fault, from: net.Socket, to: net.Socket, o: { latencyMs: number; dripMs: number }): void {
  if (fault === 'pass') {
    from.pipe(to);
    return;
  }
  if (fault === 'latency') {
    // Every chunk is held back, so that each answer on a kept-alive connection is late, not just the first.
    from.on('data', (chunk: Buffer) => setTimeout(() => to.destroyed || to.write(chunk), o.latencyMs));
    from.on('end', () => setTimeout(() => to.end(), o.latencyMs));
    return;
  }
  if (fault === 'reset-after-headers') {
    let seen = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n\r\n');
      if (end === -1) return;
      from.destroy();
      to.write(seen.subarray(0, end + 4), () => to.resetAndDestroy());
    });
    return;
  }
  // slow-drip: one byte at a time, however much the upstream has sent.
  const pending: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  from.on('data', (chunk: Buffer) => {
    pending.push(...chunk);
    timer ??= setInterval(() => {
      const byte = pending.shift();
      if (byte === undefined) return;
      if (!to.destroyed) to.write(Buffer.of(byte));
    }, o.dripMs);
  });
  to.on('close', () => clearInterval(timer));
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
