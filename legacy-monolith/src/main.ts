import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Knex } from 'knex';
import { openLegacyDb } from './db/db';
import { migrateLegacy } from './db/migrate';
import { isLegacySeeded, seedLegacy } from './db/seed';
import { createJsonLogger } from './runtime/json-logger';
import { startLegacyServer } from './runtime/server';

/** Everything the monolith takes from its environment, read once, here and nowhere else. */
interface LegacyConfig {
  databaseUrl: string;
  host: string;
  port: string | undefined;
}

function readConfig(env: NodeJS.ProcessEnv): LegacyConfig {
  const dataDir = env.STRANGLER_DATA_DIR || './data';
  return {
    databaseUrl: env.LEGACY_DATABASE_URL || `sqlite:${path.join(dataDir, 'legacy.sqlite')}`,
    host: env.LEGACY_HOST || '127.0.0.1',
    port: env.LEGACY_PORT || undefined,
  };
}

function parseIntArg(max: number, min: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new InvalidArgumentError(`expected an integer between ${min} and ${max}`);
    }
    return Number(raw);
  };
}
const parsePort = parseIntArg(65535, 0);

async function withDb<T>(url: string, work: (db: Knex) => Promise<T>): Promise<T> {
  // The failure itself reaches the user as the one-line error; knex's duplicate warning would only add noise.
  const db = openLegacyDb(url, { onWarning: () => undefined });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Progress on stderr in 10% steps, so a 100k-row seed shows life without flooding a log. */
function progressPrinter(): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const step = Math.floor((done / total) * 10);
    if (step === shown) return;
    shown = step;
    process.stderr.write(`seeding ${done}/${total} rows (${step * 10}%)\n`);
  };
}

async function serve(config: LegacyConfig, portOption: number | undefined): Promise<void> {
  const port = portOption ?? (config.port === undefined ? 3000 : parsePort(config.port));
  const logger = createJsonLogger();
  const db = openLegacyDb(config.databaseUrl, { onWarning: (message) => logger.warn('database warning', { detail: message }) });
  try {
    await migrateLegacy(db);
    if (!(await isLegacySeeded(db))) {
      const seeded = await seedLegacy(db);
      logger.info('seeded empty legacy database', { ...seeded });
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const server = await startLegacyServer({ db, logger, host: config.host, port });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('legacy monolith stopping', { signal });
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

/** Builds the `legacy-monolith` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const config = readConfig(env);
  const program = new Command('legacy-monolith').description('The bundled legacy shop being strangled.');
  program
    .command('serve')
    .description('migrate, seed an empty database, and serve the shop over HTTP')
    .option('--port <n>', 'port to listen on (0 picks a free one; default LEGACY_PORT or 3000)', parsePort)
    .action(async (opts: { port?: number }) => serve(config, opts.port));
  program
    .command('migrate')
    .description('bring the legacy schema up to date')
    .action(async () => {
      const applied = await withDb(config.databaseUrl, migrateLegacy);
      process.stdout.write(applied.length === 0 ? 'schema is up to date\n' : `applied: ${applied.join(', ')}\n`);
    });
  program
    .command('seed')
    .description('migrate, then fill an empty database with the deterministic demo shop')
    .option('--rows <n>', 'number of products (1..100000, default 500)', parseIntArg(100_000, 1))
    .action(async (opts: { rows?: number }) => {
      const summary = await withDb(config.databaseUrl, async (db) => {
        await migrateLegacy(db);
        return seedLegacy(db, { rows: opts.rows, onProgress: progressPrinter() });
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
  return program;
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await buildProgram(env).parseAsync([...argv]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`legacy-monolith: ${message.split('\n')[0] ?? message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
