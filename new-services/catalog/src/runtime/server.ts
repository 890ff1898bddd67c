import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { createCatalogApp } from '../http/app';
import type { CatalogLogger } from '../http/logger';

export interface ServeOptions {
  db: Knex;
  logger: CatalogLogger;
  host: string;
  /** 0 picks a free port; the chosen one is in the returned url and the "listening" log line. */
  port: number;
}

export interface RunningServer {
  url: string;
  /** Stops accepting, drops idle keep-alive sockets, then closes the database. */
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

/** Starts the catalog's HTTP server over an already migrated database. */
export async function startCatalogServer({ db, logger, host, port }: ServeOptions): Promise<RunningServer> {
  const server = createServer(createCatalogApp({ db, logger }));
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info('catalog listening', { url });
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive clients (the gateway's agent) would otherwise hold the process open.
      server.closeIdleConnections();
      // In-flight requests get a grace period, then are cut so shutdown always completes.
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      force.unref();
      await closed;
      clearTimeout(force);
      await db.destroy();
    },
  };
}
