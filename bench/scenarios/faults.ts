/**
 * The fault scenario (issue 7): product reads' latency through the gateway with and without a
 * saturated reporting endpoint behind the same gateway and the same upstream. The reports route
 * has a bulkhead (4 at once, 4 queued), so the slow reports cannot take the upstream's connection
 * pool from the reads; the figure is reads' p99 under report load over reads' p99 alone.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLoadInChild } from '../load-child';
import { runLoad, type LoadResult } from '../load';
import { freePort, REPO_ROOT, tsChild, type Child, type ProcessGroup } from '../processes';
import { median, round } from '../stats';
import { withTempDir } from './gateway';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario';

const READ_PATH = '/api/products/42';
const REPORT_PATH = '/api/reports/sales';
const READ_RATE = 500;
const READ_CONNECTIONS = 10;
const REPORT_CONNECTIONS = 64;
/** Far more than the 4 report slots can serve (1 s each): the endpoint stays saturated, the excess is refused. */
const REPORT_RATE = 200;
const WARMUP_SEC = 1;
/** Before the first round: both the reads and the report load, so that no measured phase includes the JIT's first compilations. */
const FIRST_WARMUP_SEC = 3;
/** The target in the issue: reads' p99 under report load within 2× of unloaded. */
export const TARGET_RATIO = 2;

export const faultsScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting the slow-report upstream and the gateway');
    const gateway = await startFaultTargets(ctx.group, dir);
    return runFaultPhase(ctx, gateway);
  });

/** The legacy stand-in behind a gateway whose table gives the reports route a bulkhead. */
export async function startFaultTargets(group: ProcessGroup, dir: string): Promise<Child> {
  const upstream = await group.start(tsChild('fault upstream', 'fault-upstream.ts', ['--report-ms', '1000']));
  const routes = join(dir, 'fault-routes.json');
  await writeFile(routes, JSON.stringify(faultRoutes(upstream.url), null, 2));
  const port = await freePort();
  return group.start({
    name: 'gateway (faults)',
    args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, 'fault-state.sqlite')}`],
    readiness: { kind: 'health', port, path: '/healthz' },
    readyTimeoutMs: 60_000,
  });
}

/** A monolith with a bounded connection pool (as a real one has), and the reports route's bulkhead. */
export function faultRoutes(upstreamUrl: string): object {
  return {
    upstreams: { monolith: { url: upstreamUrl, maxSockets: 32 } },
    routes: [
      { id: 'products', path: '/api/products/*', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'monolith' } },
      {
        id: 'reports', path: '/api/reports/*', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'monolith' },
        resilience: { timeoutMs: 30_000, deadlineMs: 30_000, retry: { maxRetries: 0 }, bulkhead: { maxConcurrent: 4, queue: 4 } },
      },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
    ],
  };
}

export async function runFaultPhase({ args, progress }: ScenarioContext, gateway: Child): Promise<ScenarioOutcome> {
  const reads = { url: gateway.url + READ_PATH, connections: READ_CONNECTIONS, overallRate: READ_RATE };
  const alone: LoadResult[] = [];
  const loaded: LoadResult[] = [];
  const reports: LoadResult[] = [];
  const failures: string[] = [];
  // Both paths warm before anything is measured: otherwise the first loaded phase also measures
  // the JIT compiling the refusal path and the accepting of 64 new connections, and the first
  // quiet phase measures the reads' own warm-up.
  progress.phase('warming up: product reads with the reports endpoint saturated, not measured');
  await Promise.all([
    runLoadInChild({ url: gateway.url + REPORT_PATH, connections: REPORT_CONNECTIONS, overallRate: REPORT_RATE, durationSec: FIRST_WARMUP_SEC }),
    runLoad({ ...reads, durationSec: FIRST_WARMUP_SEC }),
  ]);
  for (let round = 1; round <= args.rounds; round += 1) {
    const of = `round ${round}/${args.rounds}`;
    progress.phase(`product reads alone, ${of}`);
    await runLoad({ ...reads, durationSec: WARMUP_SEC });
    alone.push(await runLoad({ ...reads, durationSec: args.durationSec, onTick: (s) => progress.tick(s, args.durationSec) }));
    progress.phase(`product reads with the reports endpoint saturated, ${of}`);
    // The report load starts first and ends last, so that every measured read meets it.
    // The report clients are other clients: their own process, not the measuring load generator's event loop.
    const reportRun = runLoadInChild({ url: gateway.url + REPORT_PATH, connections: REPORT_CONNECTIONS, overallRate: REPORT_RATE, durationSec: args.durationSec + 2 * WARMUP_SEC });
    await runLoad({ ...reads, durationSec: WARMUP_SEC });
    loaded.push(await runLoad({ ...reads, durationSec: args.durationSec, onTick: (s) => progress.tick(s, args.durationSec) }));
    reports.push(await reportRun);
  }
  progress.end();
  for (const [label, runs] of [['reads alone', alone], ['reads under report load', loaded]] as const) {
    const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
    if (bad > 0) failures.push(`${label}: ${bad} failed requests`);
  }
  const aloneP99 = median(alone.map((r) => r.p99Ms));
  const loadedP99 = median(loaded.map((r) => r.p99Ms));
  const ratio = round(loadedP99 / aloneP99, 2);
  const served = median(reports.map((r) => r.rps));
  const refused = median(reports.map((r) => r.non2xx / (args.durationSec + 2 * WARMUP_SEC)));
  const human = [
    `fault scenario: product reads at ${READ_RATE} req/s, with and without ${REPORT_CONNECTIONS} connections on the slow reports endpoint (1 s each, bulkhead 4 + 4 queued)`,
    '',
    '                         p50 ms   p99 ms',
    `reads alone           ${fmt(median(alone.map((r) => r.p50Ms)))} ${fmt(aloneP99)}`,
    `reads, reports loaded ${fmt(median(loaded.map((r) => r.p50Ms)))} ${fmt(loadedP99)}`,
    '',
    `reads p99 ratio under report load: ${ratio}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'ok' : 'OVER TARGET'}`,
    `reports: ${round(served, 1)} answers/s, of which ${round(refused, 1)}/s refused at once by the bulkhead (503 + Retry-After)`,
  ].join('\n');
  return {
    human,
    json: { reads_p99_ms_alone: round(aloneP99, 3), reads_p99_ms_under_report_load: round(loadedP99, 3), reads_p99_ratio_under_report_load: ratio },
    failures,
  };
}

const fmt = (ms: number): string => round(ms, 2).toFixed(2).padStart(8);
