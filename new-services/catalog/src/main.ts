import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { openCatalogDb } from './db/db';
import { migrateCatalog } from './db/migrate';
import { createJsonLogger } from './runtime/json-logger';
import { startCatalogServer } from './runtime/server';

/** Everything the catalog takes from its environment, read once, here and nowhere else. */
interface CatalogConfig {
  databaseUrl: string;
  host: string;
  port: string | undefined;
}

function readConfig(env: NodeJS.ProcessEnv): CatalogConfig {
  const dataDir = env.STRANGLER_DATA_DIR || './data';
  return {
    databaseUrl: env.CATALOG_DATABASE_URL || `sqlite:${path.join(dataDir, 'catalog.sqlite')}`,
    host: env.CATALOG_HOST || '127.0.0.1',
    port: env.CATALOG_PORT || undefined,
  };
}

function parsePort(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new InvalidArgumentError('expected a port between 0 and 65535');
  return Number(raw);
}

async function serve(config: CatalogConfig, portOption: number | undefined): Promise<void> {
  const port = portOption ?? (config.port === undefined ? 4001 : parsePort(config.port));
  const logger = createJsonLogger();
  const db = openCatalogDb(config.databaseUrl, { onWarning: (message) => logger.warn('database warning', { detail: message }) });
  try {
    await migrateCatalog(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const server = await startCatalogServer({ db, logger, host: config.host, port });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('catalog stopping', { signal });
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

async function migrate(config: CatalogConfig): Promise<void> {
  // The failure itself reaches the user as the one-line error; knex's duplicate warning would only add noise.
  const db = openCatalogDb(config.databaseUrl, { onWarning: () => undefined });
  try {
    const applied = await migrateCatalog(db);
    process.stdout.write(applied.length === 0 ? 'schema is up to date\n' : `applied: ${applied.join(', ')}\n`);
  } finally {
    await db.destroy();
  }
}

/** Builds the `catalog` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const config = readConfig(env);
  const program = new Command('catalog').description('The Catalog bounded context: products, extracted from the legacy shop.');
  program
    .command('serve')
    .description('migrate the catalog database and serve the API over HTTP')
    .option('--port <n>', 'port to listen on (0 picks a free one; default CATALOG_PORT or 4001)', parsePort)
    .action(async (opts: { port?: number }) => serve(config, opts.port));
  program
    .command('migrate')
    .description('bring the catalog schema up to date')
    .action(async () => migrate(config));
  return program;
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await buildProgram(env).parseAsync([...argv]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`catalog: ${message.split('\n')[0] ?? message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
