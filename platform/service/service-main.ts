import type { RequestListener } from 'node:http';
import path from 'node:path';
import { Command } from 'commander';
import type { Knex } from 'knex';
import { openDatabase } from '../db/open-database';
import { createJsonLogger } from '../log/json-logger';
import type { Logger } from '../log/logger';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { closeOnSignals } from '../server/shutdown';
import { installServiceSpans, tracingWanted } from '../trace/service-spans';
import { integerArg } from './integer-arg';

/** What a service's app is built from once its database is open and migrated. */
export interface ServiceDeps {
  readonly db: Knex;
  readonly logger: Logger;
}

/** Work a service runs beside its server (an expiry sweep, a saga recovery); stopped before the server closes. */
export interface BackgroundWork {
  stop(): Promise<void>;
}

/** An app with background work: `background` starts once the server listens. */
export interface ServiceParts {
  readonly listener: RequestListener;
  readonly background?: () => BackgroundWork;
}

/** A service's own database, for the extra commands it declares. */
export interface ServiceDatabase {
  /** Opens the database quietly, runs `work`, and closes it whatever happens. */
  use<T>(work: (db: Knex) => Promise<T>): Promise<T>;
}

/**
 * A service, declared by its composition root (main.ts). The skeleton gives every service the
 * same command line: `serve [--port n]` (parse the environment, open the database, migrate,
 * build the app, listen, drain on SIGINT/SIGTERM) and `migrate`, plus what `commands` adds.
 */
export interface ServiceDefinition {
  /** The command's name, and the prefix of its one-line errors (`catalog: …`). */
  readonly name: string;
  readonly description: string;
  /** How its log lines name it: `<title> listening`, `<title> stopping`. */
  readonly title: string;
  /** Prefix of its variables: `<PREFIX>_DATABASE_URL`, `<PREFIX>_HOST`, `<PREFIX>_PORT`. */
  readonly envPrefix: string;
  readonly defaultPort: number;
  /** The SQLite file under STRANGLER_DATA_DIR (default ./data) used when no database URL is set. */
  readonly sqliteFile: string;
  readonly serveDescription: string;
  readonly migrateDescription: string;
  /** Brings the service's schema up to date; returns the migrations applied. */
  readonly migrate: (db: Knex) => Promise<string[]>;
  /** Runs after migrating, before listening (the monolith seeds an empty database here). */
  readonly prepare?: (deps: ServiceDeps) => Promise<void>;
  /**
   * Reads the service's own settings and returns how its app is built. Called by `serve` before
   * anything is opened, so that a bad setting fails with one line and nothing to clean up.
   */
  readonly app: (env: NodeJS.ProcessEnv) => (deps: ServiceDeps) => RequestListener | ServiceParts;
  /** Adds the service's own commands (the monolith's `seed`). */
  readonly commands?: (program: Command, database: ServiceDatabase) => void;
}

/** Everything the skeleton takes from the environment, read once, here and nowhere else. */
interface BaseConfig {
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: string | undefined;
}

function readConfig(service: ServiceDefinition, env: NodeJS.ProcessEnv): BaseConfig {
  const dataDir = env.STRANGLER_DATA_DIR || './data';
  return {
    databaseUrl: env[`${service.envPrefix}_DATABASE_URL`] || `sqlite:${path.join(dataDir, service.sqliteFile)}`,
    host: env[`${service.envPrefix}_HOST`] || '127.0.0.1',
    port: env[`${service.envPrefix}_PORT`] || undefined,
  };
}

async function serve(service: ServiceDefinition, config: BaseConfig, env: NodeJS.ProcessEnv, portOption: number | undefined): Promise<void> {
  const port = portOption ?? (config.port === undefined ? service.defaultPort : integerArg(`${service.envPrefix}_PORT`, 0, 65535)(config.port));
  const buildApp = service.app(env);
  const logger = createJsonLogger({ service: service.name });
  const db = openDatabase(config.databaseUrl, { onWarning: (message) => logger.warn('database warning', { detail: message }) });
  const tracing = await startTracing(service.name, env, db);
  let server: RunningHttpServer;
  let parts: ServiceParts;
  try {
    await service.migrate(db);
    await service.prepare?.({ db, logger });
    const built = buildApp({ db, logger });
    parts = typeof built === 'function' ? { listener: built } : built;
    server = await startHttpServer({ listener: parts.listener, host: config.host, port, logger, name: service.title });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const work = parts.background?.();
  closeOnSignals({ logger, name: service.title, close: () => (work?.stop() ?? Promise.resolve()).then(() => server.close()).then(() => Promise.all([db.destroy(), tracing?.shutdown()])).then(() => undefined) });
}

/**
 * OpenTelemetry when the standard OTEL_* variables ask for it: request and database spans,
 * exported over OTLP/HTTP. The SDK is loaded here and only then; without them nothing is.
 */
async function startTracing(name: string, env: NodeJS.ProcessEnv, db: Knex): Promise<{ shutdown(): Promise<void> } | null> {
  if (!tracingWanted(env)) return null;
  // required here, not imported at the top: a service that does not trace never loads the SDK.
  const { startServiceTracing } = require('../trace/otel') as typeof import('../trace/otel');
  const tracing = startServiceTracing(name, env);
  tracing.instrument(db);
  installServiceSpans(tracing);
  return tracing;
}

/** Builds a service's command line over a given environment; nothing is read or opened until a command runs. */
export function serviceProgram(service: ServiceDefinition, env: NodeJS.ProcessEnv): Command {
  const config = readConfig(service, env);
  const database: ServiceDatabase = {
    async use(work) {
      // The failure reaches the user as the one-line error; knex's duplicate warning would only add noise.
      const db = openDatabase(config.databaseUrl, { onWarning: () => undefined });
      try {
        return await work(db);
      } finally {
        await db.destroy();
      }
    },
  };
  const program = new Command(service.name).description(service.description);
  program
    .command('serve')
    .description(service.serveDescription)
    .option('--port <n>', `port to listen on (0 picks a free one; default ${service.envPrefix}_PORT or ${service.defaultPort})`, integerArg('port', 0, 65535))
    .action(async (opts: { port?: number }) => serve(service, config, env, opts.port));
  program
    .command('migrate')
    .description(service.migrateDescription)
    .action(async () => {
      const applied = await database.use(service.migrate);
      process.stdout.write(applied.length === 0 ? 'schema is up to date\n' : `applied: ${applied.join(', ')}\n`);
    });
  service.commands?.(program, database);
  return program;
}

/** Runs a service's command line; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export async function runServiceCli(service: ServiceDefinition, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await serviceProgram(service, env).parseAsync([...argv]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${service.name}: ${message.split('\n')[0] ?? message}\n`);
    process.exitCode = 1;
  }
}
