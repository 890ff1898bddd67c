import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One instance of an upstream in a test: a real server that counts what it served. */
export interface TestInstance {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  served(): number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const ok: Handler = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
};

/** Answers after `ms`. */
export const slow = (ms: number): Handler => (req, res) => void setTimeout(() => ok(req, res), ms);

/** Answers 503 to everything, its health path included. */
export const failing: Handler = (_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end('{"down":true}');
};

/** A server on `host` (a loopback address), on `port` or any free one. */
export async function startInstance(handler: Handler = ok, host = '127.0.0.1', port = 0): Promise<TestInstance> {
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    host,
    port: bound,
    served: () => served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
