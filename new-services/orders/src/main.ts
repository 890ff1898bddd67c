import type { Command } from 'commander';
import { integerArg, runServiceCli, serviceProgram, type ServiceDefinition } from '../../../platform';
import { createHttpCatalogClient, type CatalogClient } from './catalog-client';
import { migrateOrders } from './db/migrate';
import { createOrdersApp } from './http/app';

function parseCatalogUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('ORDERS_CATALOG_URL is not a URL (expected e.g. http://127.0.0.1:4001)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`ORDERS_CATALOG_URL must be http or https, not "${url.protocol}"`);
  return raw;
}

/** The catalog the service prices from: ORDERS_CATALOG_URL and ORDERS_CATALOG_TIMEOUT_MS, checked before anything opens. */
function catalogFrom(env: NodeJS.ProcessEnv): CatalogClient {
  const timeout = env.ORDERS_CATALOG_TIMEOUT_MS || undefined;
  const timeoutMs = timeout === undefined ? 2000 : integerArg('ORDERS_CATALOG_TIMEOUT_MS', 1, 600_000)(timeout);
  return createHttpCatalogClient({ baseUrl: parseCatalogUrl(env.ORDERS_CATALOG_URL || 'http://127.0.0.1:4001'), timeoutMs });
}

/** The orders service's composition root: ORDERS_DATABASE_URL, ORDERS_HOST, ORDERS_PORT (4002), and its catalog. */
const orders: ServiceDefinition = {
  name: 'orders',
  description: 'The Ordering service: orders priced from the catalog, in their own database.',
  title: 'orders',
  envPrefix: 'ORDERS',
  defaultPort: 4002,
  sqliteFile: 'orders.sqlite',
  serveDescription: 'migrate, then serve the orders API over HTTP',
  migrateDescription: 'bring the orders schema up to date',
  migrate: migrateOrders,
  app: (env) => {
    const catalog = catalogFrom(env);
    return ({ db, logger }) => createOrdersApp({ db, logger, catalog });
  },
};

/** Builds the `orders` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  return serviceProgram(orders, env);
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return runServiceCli(orders, argv, env);
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
