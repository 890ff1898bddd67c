import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a probe upstream observed of one request, as it happened. */
export interface Probe {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  bytes: number;
  ended: boolean;
  /** The request went away before its body ended or before it was answered. */
  aborted: boolean;
}

export interface ProbeUpstream {
  readonly url: string;
  readonly port: number;
  readonly probes: Probe[];
  /** Resolves with the next request's probe as soon as its head arrives. */
  nextRequest(): Promise<Probe>;
  close(): Promise<void>;
}

/**
 * An upstream that hands each request to the test as soon as its head arrives, before any body,
 * so a test can answer early, hold the request, or watch it being aborted.
 */
export async function startProbeUpstream(onRequest: (probe: Probe) => void = () => undefined): Promise<ProbeUpstream> {
  const probes: Probe[] = [];
  const waiters: ((p: Probe) => void)[] = [];
  const server = http.createServer((req, res) => {
    const probe: Probe = { req, res, bytes: 0, ended: false, aborted: false };
    probes.push(probe);
    req.on('data', (c: Buffer) => (probe.bytes += c.length));
    req.on('end', () => (probe.ended = true));
    res.on('close', () => {
      if (!res.writableFinished) probe.aborted = true;
    });
    req.on('close', () => {
      if (!probe.ended) probe.aborted = true;
    });
    waiters.shift()?.(probe);
    onRequest(probe);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    probes,
    nextRequest: () => new Promise((r) => waiters.push(r)),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawUpstream {
  readonly url: string;
  readonly port: number;
  /** Request heads received, as text. */
  readonly heads: string[];
  close(): Promise<void>;
}

/** An upstream that answers every request head with exactly the bytes given, for header-level tests. */
export async function startRawUpstream(answer: (head: string, socket: net.Socket) => void): Promise<RawUpstream> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (c: Buffer) => {
      buffered += c.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      heads.push(head);
      answer(head, socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    heads,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
