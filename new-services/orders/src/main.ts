import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Knex } from 'knex';
import { createHttpCatalogClient } from './catalog-client';
import { openOrdersDb } from './db/db';
import { migrateOrders } from './db/migrate';
import { createJsonLogger } from './runtime/json-logger';
import { startOrdersServer } from './runtime/server';

/** Everything the orders service takes from its environment, read once, here and nowhere else. */
interface OrdersConfig {
  databaseUrl: string;
  host: string;
  port: string | undefined;
  catalogUrl: string;
  catalogTimeoutMs: string | undefined;
}

function readConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  const dataDir = env.STRANGLER_DATA_DIR || './data';
  return {
    databaseUrl: env.ORDERS_DATABASE_URL || `sqlite:${path.join(dataDir, 'orders.sqlite')}`,
    host: env.ORDERS_HOST || '127.0.0.1',
    port: env.ORDERS_PORT || undefined,
    catalogUrl: env.ORDERS_CATALOG_URL || 'http://127.0.0.1:4001',
    catalogTimeoutMs: env.ORDERS_CATALOG_TIMEOUT_MS || undefined,
  };
}

function parseIntArg(name: string, min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}`);
    }
    return Number(raw);
  };
}
const parsePort = parseIntArg('port', 0, 65535);
const parseTimeout = parseIntArg('ORDERS_CATALOG_TIMEOUT_MS', 1, 600_000);

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

async function serve(config: OrdersConfig, portOption: number | undefined): Promise<void> {
  // Every setting is checked before anything is opened, so a typo fails fast with one line.
  const port = portOption ?? (config.port === undefined ? 4002 : parsePort(config.port));
  const timeoutMs = config.catalogTimeoutMs === undefined ? 2000 : parseTimeout(config.catalogTimeoutMs);
  const catalog = createHttpCatalogClient({ baseUrl: parseCatalogUrl(config.catalogUrl), timeoutMs });
  const logger = createJsonLogger();
  const db = openOrdersDb(config.databaseUrl, { onWarning: (message) => logger.warn('database warning', { detail: message }) });
  try {
    await migrateOrders(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const server = await startOrdersServer({ db, catalog, logger, host: config.host, port });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('orders stopping', { signal });
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function migrate(config: OrdersConfig): Promise<void> {
  // The failure reaches the user as the one-line error; knex's duplicate warning would only add noise.
  const db: Knex = openOrdersDb(config.databaseUrl, { onWarning: () => undefined });
  try {
    const applied = await migrateOrders(db);
    process.stdout.write(applied.length === 0 ? 'schema is up to date\n' : `applied: ${applied.join(', ')}\n`);
  } finally {
    await db.destroy();
  }
}

/** Builds the `orders` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const config = readConfig(env);
  const program = new Command('orders').description('The Ordering service: orders priced from the catalog, in their own database.');
  program
    .command('serve')
    .description('migrate, then serve the orders API over HTTP')
    .option('--port <n>', 'port to listen on (0 picks a free one; default ORDERS_PORT or 4002)', parsePort)
    .action(async (opts: { port?: number }) => serve(config, opts.port));
  program
    .command('migrate')
    .description('bring the orders schema up to date')
    .action(async () => migrate(config));
  return program;
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await buildProgram(env).parseAsync([...argv]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`orders: ${message.split('\n')[0] ?? message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
