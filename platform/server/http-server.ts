import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger';

/** What to serve, where, and how the part names itself in its log lines. */
export interface HttpServerOptions {
  readonly listener: RequestListener;
  readonly host: string;
  /** 0 picks a free port; the chosen one is in the returned url and the "listening" line. */
  readonly port: number;
  readonly logger: Logger;
  /** Logged as `<name> listening` with the url: the line `strangler up` and the tests wait for. */
  readonly name: string;
  /** How long requests in progress may finish after close() before their connections are cut (default 5 s). */
  readonly drainMs?: number;
}

/** A listening server. */
export interface RunningHttpServer {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, drops idle keep-alive sockets, lets requests in progress finish within the drain time. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts an HTTP server and resolves once it listens (rejects when the port is taken). */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createServer(options.listener);
  await listen(server, options.port, options.host);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  options.logger.info(`${options.name} listening`, { url });
  return {
    url,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive clients (the gateway's agents) would otherwise hold the process open.
      server.closeIdleConnections();
      // Requests in progress get a grace period, then are cut, so shutdown always completes.
      const force = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 5000);
      force.unref();
      await closed;
      clearTimeout(force);
    },
  };
}
