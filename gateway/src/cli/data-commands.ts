import path from 'node:path';
import type { Command } from 'commander';
import { movement } from '../../../acl';
import { resolveAddress, type Address } from './addresses';
import { recordVerificationAt } from '../control/rollout/rollout-store';
import { defaultStateUrl } from './gateway-command';
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
  // The service's address by the rule every command shares: flag, variable (URL or the stack's own *_PORT), the running stack, the default.
  const service = resolveAddress(context, { catalog: flags.catalogUrl, orders: flags.ordersUrl, inventory: flags.inventoryUrl }[context], env);
  const legacyUrl = env.LEGACY_DATABASE_URL || `sqlite:${path.join(dataDir, 'legacy.sqlite')}`;
  return { context, dataDir, serviceUrl: service.url, service, legacyUrl, batchSize: flags.batchSize };
}

/**
 * The service answers at all, before anything is read or written: an address that leads nowhere
 * fails at once, naming where it came from, instead of after the engine's retries and with an
 * empty rejects file left behind. Any HTTP answer will do; the engine judges the rest.
 */
async function reachable(context: string, service: Address): Promise<void> {
  try {
    await fetch(new URL('/health', service.url), { signal: AbortSignal.timeout(3_000), redirect: 'manual' });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    const code = (cause as NodeJS.ErrnoException).code ?? (e instanceof Error && e.name === 'TimeoutError' ? 'no answer within 3 s' : String(cause));
    throw new movement.MovementError('SERVICE_UNAVAILABLE', `cannot reach the ${context} service at ${service.url}: ${code} (address from ${service.source}; ${service.change})`);
  }
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
    .option('--catalog-url <url>', 'catalog service base URL (env CATALOG_URL or CATALOG_PORT; else the running stack\'s, from <data dir>/stack.json; else http://127.0.0.1:4001)')
    .option('--orders-url <url>', 'orders service base URL (env ORDERS_URL or ORDERS_PORT; else the running stack\'s; else http://127.0.0.1:4002)')
    .option('--inventory-url <url>', 'inventory service base URL (env INVENTORY_URL or INVENTORY_PORT; else the running stack\'s; else http://127.0.0.1:4003)')
    .option('--batch-size <n>', 'rows per batch', parseCount('--batch-size'), movement.DEFAULT_BATCH_SIZE)
    .option('--json', 'print one JSON object instead of the summary line');
}

const progressLine = (line: string): void => {
  process.stderr.write(line + '\n');
};

/** Records a verify for the rollouts' data-freshness check; a store that cannot take it is said on stderr, and the verify's own result stands. */
async function recordVerify(url: string, context: string, at: string, r: movement.VerifyResult): Promise<void> {
  try {
    await recordVerificationAt(url, {
      context,
      at,
      clean: r.clean,
      legacyRows: r.legacyRows,
      serviceRows: r.serviceRows,
      missing: r.missing.count,
      extra: r.extra.count,
      different: r.different.count,
    });
  } catch (e) {
    process.stderr.write(`strangler: the verify result was not recorded in the state store (rollouts will not see it): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  }
}

/** `strangler backfill|verify|sync <context>`: move legacy rows into a new service and prove it. */
export function registerDataCommands(program: Command): void {
  withCommonFlags(program.command('backfill'))
    .description('Copy every legacy row of a context into its service, through the ACL (idempotent, resumable); exit 3 when rows were rejected')
    .action((name: string, flags: CommonFlags) =>
      guarded(async () => {
        const s = settings(contextOf(name), flags, process.env);
        await reachable(s.context, s.service);
        const result = await movement.backfill({ ...s, onProgress: progressLine });
        process.stdout.write((flags.json ? JSON.stringify(result) : movement.describeBackfill(result)) + '\n');
        if (result.counters.rejected > 0) process.exitCode = EXIT_REJECTED;
      }),
    );

  withCommonFlags(program.command('verify'))
    .description('Compare legacy (through the ACL) and the service row by row; exit 1 on any difference. The result is recorded in the state store, where rollouts check the data is fresh')
    .option('--state <url>', 'route state store to record the result in (env STRANGLER_STATE_URL, default the gateway\'s sqlite:<data dir>/gateway-state.sqlite)')
    .option('--no-record', 'do not record the result in the state store')
    .action((name: string, flags: CommonFlags & { state?: string; record: boolean }) =>
      guarded(async () => {
        const context = contextOf(name);
        const s = settings(context, flags, process.env);
        const at = new Date().toISOString();
        await reachable(s.context, s.service);
        const result = await movement.verify(s);
        // Also recorded for the dashboard's data-freshness panel (its own file in the data dir).
        movement.recordVerify(s.dataDir, result, new Date(at));
        process.stdout.write((flags.json ? JSON.stringify({ ...result, at }) : movement.describeVerify(result).join('\n')) + '\n');
        if (!result.clean) process.exitCode = EXIT_FAILED;
        if (flags.record) await recordVerify(flags.state ?? (process.env.STRANGLER_STATE_URL || defaultStateUrl(process.env)), context, at, result);
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
        await reachable(options.context, options.service);
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
