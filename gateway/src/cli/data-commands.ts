import path from 'node:path';
import type { Command } from 'commander';
import { movement } from '../../../acl';
import { UsageError } from './options';

/** Exit statuses of the data tools; 2 (usage) is set by main.ts for a UsageError. */
const EXIT_FAILED = 1;
const EXIT_REJECTED = 3;

interface CommonFlags {
  catalogUrl?: string;
  ordersUrl?: string;
  inventoryUrl?: string;
  batchSize: number;
  json?: boolean;
}

function parseCount(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} "${value}" is not a positive integer`);
    return Number(value);
  };
}

function contextOf(value: string): movement.ContextName {
  if (!movement.isContextName(value)) throw new UsageError(`unknown context "${value}": expected catalog, orders or inventory`);
  return value;
}

/** The composition root of the data tools: the only place that reads their environment. */
function settings(context: movement.ContextName, flags: CommonFlags, env: NodeJS.ProcessEnv) {
  const dataDir = path.resolve(env.STRANGLER_DATA_DIR || './data');
  const serviceUrls: Readonly<Record<movement.ContextName, () => string>> = {
    catalog: () => flags.catalogUrl ?? env.CATALOG_URL ?? 'http://127.0.0.1:4001',
    orders: () => flags.ordersUrl ?? env.ORDERS_URL ?? 'http://127.0.0.1:4002',
    inventory: () => flags.inventoryUrl ?? env.INVENTORY_URL ?? 'http://127.0.0.1:4003',
  };
  const serviceUrl = serviceUrls[context]();
  const legacyUrl = env.LEGACY_DATABASE_URL || `sqlite:${path.join(dataDir, 'legacy.sqlite')}`;
  return { context, dataDir, serviceUrl, legacyUrl, batchSize: flags.batchSize };
}

/** Expected failures are one line and exit 1; a usage problem found by the engine is a usage error; anything else is a bug and keeps its stack. */
async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (movement.isMovementError(err)) {
      if (err.code === 'USAGE') throw new UsageError(err.message);
      process.stderr.write(`strangler: ${err.message}\n`);
      process.exitCode = EXIT_FAILED;
      return;
    }
    throw err;
  }
}

function withCommonFlags(cmd: Command): Command {
  return cmd
    .argument('<context>', 'catalog, orders or inventory')
    .option('--catalog-url <url>', 'catalog service base URL (env CATALOG_URL, default http://127.0.0.1:4001)')
    .option('--orders-url <url>', 'orders service base URL (env ORDERS_URL, default http://127.0.0.1:4002)')
    .option('--inventory-url <url>', 'inventory service base URL (env INVENTORY_URL, default http://127.0.0.1:4003)')
    .option('--batch-size <n>', 'rows per batch', parseCount('--batch-size'), movement.DEFAULT_BATCH_SIZE)
    .option('--json', 'print one JSON object instead of the summary line');
}

const progressLine = (line: string): void => {
  process.stderr.write(line + '\n');
};

/** `strangler backfill|verify|sync <context>`: move legacy rows into a new service and prove it. */
export function registerDataCommands(program: Command): void {
  withCommonFlags(program.command('backfill'))
    .description('Copy every legacy row of a context into its service, through the ACL (idempotent, resumable); exit 3 when rows were rejected')
    .action((name: string, flags: CommonFlags) =>
      guarded(async () => {
        const result = await movement.backfill({ ...settings(contextOf(name), flags, process.env), onProgress: progressLine });
        process.stdout.write((flags.json ? JSON.stringify(result) : movement.describeBackfill(result)) + '\n');
        if (result.counters.rejected > 0) process.exitCode = EXIT_REJECTED;
      }),
    );

  withCommonFlags(program.command('verify'))
    .description('Compare legacy (through the ACL) and the service row by row; exit 1 on any difference')
    .action((name: string, flags: CommonFlags) =>
      guarded(async () => {
        const result = await movement.verify(settings(contextOf(name), flags, process.env));
        process.stdout.write((flags.json ? JSON.stringify(result) : movement.describeVerify(result).join('\n')) + '\n');
        if (!result.clean) process.exitCode = EXIT_FAILED;
      }),
    );

  withCommonFlags(program.command('sync'))
    .description('Upsert legacy rows changed since the last sync and delete vanished ones; --follow repeats it')
    .option('--follow', 'repeat every --interval seconds until interrupted, reporting the lag')
    .option('--interval <s>', 'seconds between rounds with --follow', parseCount('--interval'), 30)
    .option('--overlap <s>', 'seconds re-read before the high-water mark', parseCount('--overlap'), movement.DEFAULT_OVERLAP_SECONDS)
    .action((name: string, flags: CommonFlags & { follow?: boolean; interval: number; overlap: number }) =>
      guarded(async () => {
        const options = { ...settings(contextOf(name), flags, process.env), overlapSeconds: flags.overlap };
        let stop = false;
        const onSignal = (): void => {
          stop = true;
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          do {
            const result = await movement.sync(options);
            process.stdout.write((flags.json ? JSON.stringify(result) : movement.describeSync(result)) + '\n');
            if (result.rejected > 0) process.exitCode = EXIT_REJECTED;
            for (let waited = 0; flags.follow && !stop && waited < flags.interval * 10; waited++) await new Promise((r) => setTimeout(r, 100));
          } while (flags.follow && !stop);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
