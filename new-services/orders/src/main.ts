import type { Command } from 'commander';
import { integerArg, runServiceCli, serviceProgram, type ServiceDefinition } from '../../../platform';
import { createHttpCatalogClient, type CatalogClient } from './catalog-client';
import { migrateOrders } from './db/migrate';
import { createOrdersService } from './http/app';
import { createHttpInventoryClient, type InventoryClient } from './inventory-client';
import { DEFAULT_RETRY, type RetryPolicy } from './saga/backoff';

function parseServiceUrl(name: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} is not a URL (expected e.g. ${example})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be http or https, not "${url.protocol}"`);
  return raw;
}

function timeoutOf(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name] || undefined;
  return raw === undefined ? 2000 : integerArg(name, 1, 600_000)(raw);
}

/** The catalog the service prices from: ORDERS_CATALOG_URL and ORDERS_CATALOG_TIMEOUT_MS, checked before anything opens. */
function catalogFrom(env: NodeJS.ProcessEnv): CatalogClient {
  const baseUrl = parseServiceUrl('ORDERS_CATALOG_URL', env.ORDERS_CATALOG_URL || 'http://127.0.0.1:4001', 'http://127.0.0.1:4001');
  return createHttpCatalogClient({ baseUrl, timeoutMs: timeoutOf(env, 'ORDERS_CATALOG_TIMEOUT_MS') });
}

/** The inventory checkout reserves in: ORDERS_INVENTORY_URL and ORDERS_INVENTORY_TIMEOUT_MS. */
function inventoryFrom(env: NodeJS.ProcessEnv): InventoryClient {
  const baseUrl = parseServiceUrl('ORDERS_INVENTORY_URL', env.ORDERS_INVENTORY_URL || 'http://127.0.0.1:4003', 'http://127.0.0.1:4003');
  return createHttpInventoryClient({ baseUrl, timeoutMs: timeoutOf(env, 'ORDERS_INVENTORY_TIMEOUT_MS') });
}

/** ORDERS_SAGA_RETRY_ATTEMPTS and ORDERS_SAGA_RETRY_BASE_MS: the budget of a commit or compensation before the saga is marked stuck. */
function retryFrom(env: NodeJS.ProcessEnv): RetryPolicy {
  const attempts = env.ORDERS_SAGA_RETRY_ATTEMPTS || undefined;
  const base = env.ORDERS_SAGA_RETRY_BASE_MS || undefined;
  return {
    attempts: attempts === undefined ? DEFAULT_RETRY.attempts : integerArg('ORDERS_SAGA_RETRY_ATTEMPTS', 1, 100)(attempts),
    baseDelayMs: base === undefined ? DEFAULT_RETRY.baseDelayMs : integerArg('ORDERS_SAGA_RETRY_BASE_MS', 1, 60_000)(base),
    maxDelayMs: DEFAULT_RETRY.maxDelayMs,
  };
}

/** The orders service's composition root: ORDERS_DATABASE_URL, ORDERS_HOST, ORDERS_PORT (4002), its catalog and its inventory. */
const orders: ServiceDefinition = {
  name: 'orders',
  description: 'The Ordering service: orders priced from the catalog and placed by a checkout saga over inventory, in their own database.',
  title: 'orders',
  envPrefix: 'ORDERS',
  defaultPort: 4002,
  sqliteFile: 'orders.sqlite',
  serveDescription: 'migrate, then serve the orders API over HTTP (and resume unfinished checkout sagas)',
  migrateDescription: 'bring the orders schema up to date',
  migrate: migrateOrders,
  app: (env) => {
    const catalog = catalogFrom(env);
    const inventory = inventoryFrom(env);
    const retry = retryFrom(env);
    return ({ db, logger }) => {
      const service = createOrdersService({ db, logger, catalog, inventory, retry });
      return {
        listener: service.app,
        background: () => {
          // Every saga a previous run left unfinished is resumed or compensated, beside the server.
          service.checkout.recover().then(
            (n) => n > 0 && logger.info('checkout sagas recovered', { count: n }),
            (err: unknown) => logger.error('checkout saga recovery failed', { error: err instanceof Error ? err.message : String(err) }),
          );
          return { stop: () => service.stop() };
        },
      };
    };
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
