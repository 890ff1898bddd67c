/**
 * `npm run bench -- [scenario] [flags]`: parses the command line, runs one scenario, prints its
 * result on stdout (a table, or one JSON object with --json) and owns the exit code:
 * 0 ok, 1 the run failed or saw failed requests, 2 bad command line.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, usage, UsageError } from './args';
import { ProcessGroup } from './processes';
import { stderrProgress } from './progress';
import { aclScenario } from './scenarios/acl';
import { allScenario } from './scenarios/all';
import { backfillScenario } from './scenarios/backfill';
import { checkoutScenario } from './scenarios/checkout';
import { faultsScenario } from './scenarios/faults';
import { gatewayScenario } from './scenarios/gateway';
import { poolScenario } from './scenarios/pool';
import { shadowScenario } from './scenarios/shadow';
import { tracingScenario } from './scenarios/tracing';
import type { Scenario } from './scenarios/scenario';

/** New benchmarks (backfill, shadow cost) register here as sub-commands; `all` is the default. */
const SCENARIOS: Record<string, Scenario> = {
  all: allScenario,
  gateway: gatewayScenario,
  acl: aclScenario,
  backfill: backfillScenario,
  faults: faultsScenario,
  shadow: shadowScenario,
  pool: poolScenario,
  checkout: checkoutScenario,
  tracing: tracingScenario,
};

async function main(argv: readonly string[]): Promise<number> {
  const names = Object.keys(SCENARIOS);
  let args;
  try {
    args = parseArgs(argv, names);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n\n${usage(names)}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${usage(names)}\n`);
    return 0;
  }
  const scenario = SCENARIOS[args.scenario];
  if (!scenario) return 2; // parseArgs only returns known names; this satisfies the index type

  const group = new ProcessGroup();
  // Children must not outlive us whichever way we end: Ctrl-C, kill, an exception, or process.exit.
  process.once('exit', () => group.killAllNow());
  process.once('SIGINT', () => { group.killAllNow(); process.exit(130); });
  process.once('SIGTERM', () => { group.killAllNow(); process.exit(143); });

  const progress = stderrProgress();
  try {
    ensureCompiled();
    const outcome = await scenario({ args, group, progress });
    const failed = outcome.failures.length > 0;
    // With failures the table still shows (its non-2xx/errors columns are the evidence), but no JSON:
    // a script reading the figures must not pick up ratios computed over failed requests.
    if (!args.json) process.stdout.write(`${outcome.human}\n`);
    else if (!failed) process.stdout.write(`${JSON.stringify(outcome.json)}\n`);
    if (failed) {
      process.stderr.write(`bench: FAILED, ratios over failed requests are meaningless:\n  ${outcome.failures.join('\n  ')}\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    progress.end();
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await group.stopAll();
  }
}

/**
 * The gateway is measured as deployed: compiled (`npm run build`), not through tsx, whose
 * keepNames transform costs it about 13% of its throughput. Builds when dist/ is missing or stale.
 */
function ensureCompiled(): void {
  const root = join(__dirname, '..');
  const { compiledEntry } = require(join(root, 'bin', 'compiled.js')) as { compiledEntry: (entry: string) => string | null };
  if (process.env.STRANGLER_RUN_SOURCES === '1') {
    process.stderr.write('bench: STRANGLER_RUN_SOURCES=1: measuring the sources through tsx, not the compiled build\n');
    return;
  }
  if (compiledEntry('gateway/src/cli/main')) return;
  process.stderr.write('bench: building the gateway first (npm run build)\n');
  const build = spawnSync(process.execPath, [join(root, 'bin', 'build.js')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !compiledEntry('gateway/src/cli/main')) throw new Error('npm run build failed; the gateway cannot be measured as deployed');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
