import type { Command } from 'commander';
import { integerArg, runServiceCli, serviceProgram, type ServiceDefinition } from '../../../platform';
import { MAX_TTL_SECONDS } from './contract';
import { createKnexInventoryRepository } from './db/knex-repository';
import { migrateInventory } from './db/migrate';
import { startExpirySweep } from './expiry';
import { createInventoryApp, DEFAULT_TTL_SECONDS } from './http/app';

/** The inventory's own settings, checked before anything opens. */
function settingsFrom(env: NodeJS.ProcessEnv): { ttlSeconds: number; sweepMs: number } {
  const ttl = env.INVENTORY_RESERVATION_TTL_SECONDS || undefined;
  const sweep = env.INVENTORY_EXPIRY_SWEEP_MS || undefined;
  return {
    ttlSeconds: ttl === undefined ? DEFAULT_TTL_SECONDS : integerArg('INVENTORY_RESERVATION_TTL_SECONDS', 1, MAX_TTL_SECONDS)(ttl),
    sweepMs: sweep === undefined ? 5000 : integerArg('INVENTORY_EXPIRY_SWEEP_MS', 100, 3_600_000)(sweep),
  };
}

/** The inventory's composition root: INVENTORY_DATABASE_URL, INVENTORY_HOST, INVENTORY_PORT (4003), reservation TTL and sweep. */
const inventory: ServiceDefinition = {
  name: 'inventory',
  description: 'The Inventory service: stock per product and its reservations, in their own database.',
  title: 'inventory',
  envPrefix: 'INVENTORY',
  defaultPort: 4003,
  sqliteFile: 'inventory.sqlite',
  serveDescription: 'migrate, then serve the inventory API over HTTP',
  migrateDescription: 'bring the inventory schema up to date',
  migrate: migrateInventory,
  app: (env) => {
    const { ttlSeconds, sweepMs } = settingsFrom(env);
    return ({ db, logger }) => {
      const repo = createKnexInventoryRepository(db);
      const clock = () => new Date();
      return {
        listener: createInventoryApp({ repo, logger, clock, defaultTtlSeconds: ttlSeconds }),
        background: () => startExpirySweep({ repo, clock, logger, everyMs: sweepMs }),
      };
    };
  },
};

/** Builds the `inventory` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  return serviceProgram(inventory, env);
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return runServiceCli(inventory, argv, env);
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
