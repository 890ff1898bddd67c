/**
 * Several instances per upstream (issue 17): one gateway, three upstream processes (two that
 * answer at once, one 20 ms late). The p99 of an upstream made of a fast and a slow instance is
 * measured with p2c and with round robin, side by side at one fixed rate; and the throughput of an
 * upstream of two fast instances against one of a single instance, saturated.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLoad, type LoadResult } from '../load';
import { freePort, REPO_ROOT, tsChild, type Child } from '../processes';
import { median, round } from '../stats';
import { withTempDir } from './gateway';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario';

const SLOW_MS = 20;
const RATE = 300;
const RATE_CONNECTIONS = 10;
const SATURATING_CONNECTIONS = 50;
const WARMUP_SEC = 2;
/** Targets from the issue. */
export const POOL_TARGETS = { p99P2cVsRr: 0.7, poolVsSingle: 0.95 } as const;

export const poolScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting three upstream instances (one 20 ms late) and the gateway');
    return runPoolPhase(ctx, await startPoolTargets(ctx, dir));
  });

export async function startPoolTargets({ group }: ScenarioContext, dir: string): Promise<Child> {
  const fast = await group.start(tsChild('fast instance', 'upstream.ts', []));
  const other = await group.start(tsChild('second fast instance', 'upstream.ts', []));
  const slow = await group.start(tsChild('slow instance', 'upstream.ts', ['--delay-ms', String(SLOW_MS)]));
  const routes = join(dir, 'pool-routes.json');
  await writeFile(routes, JSON.stringify(poolRoutes(fast.url, other.url, slow.url), null, 2));
  const port = await freePort();
  return group.start({
    name: 'gateway (pool)',
    args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, 'pool-state.sqlite')}`],
    readiness: { kind: 'health', port, path: '/healthz' },
    readyTimeoutMs: 60_000,
  });
}

/** Four upstreams over the same instances: a fast and a slow one balanced two ways, two fast ones, and one alone. */
export function poolRoutes(fast: string, other: string, slow: string): object {
  const route = (id: string, upstream: string) => ({ id, path: `/${id}/*`, methods: ['GET'], mode: 'legacy', legacy: { upstream } });
  return {
    upstreams: {
      'mixed-p2c': { instances: [{ url: fast }, { url: slow }], loadBalancing: 'p2c' },
      'mixed-rr': { instances: [{ url: fast }, { url: slow }], loadBalancing: 'round-robin' },
      pair: { instances: [{ url: fast }, { url: other }] },
      single: { url: fast },
    },
    routes: [route('p2c', 'mixed-p2c'), route('rr', 'mixed-rr'), route('pair', 'pair'), route('single', 'single'), { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'single' } }],
  };
}

export async function runPoolPhase({ args, progress }: ScenarioContext, gateway: Child): Promise<ScenarioOutcome> {
  const at = (path: string) => `${gateway.url}/${path}/items/42`;
  const runs: Record<'p2c' | 'rr' | 'pair' | 'single', LoadResult[]> = { p2c: [], rr: [], pair: [], single: [] };
  const measure = async (target: keyof typeof runs, spec: { connections: number; overallRate?: number }, label: string) => {
    progress.phase(`${label} (${target}), warm-up`);
    await runLoad({ url: at(target), durationSec: WARMUP_SEC, ...spec });
    progress.phase(`${label} (${target})`);
    runs[target].push(await runLoad({ url: at(target), durationSec: args.durationSec, ...spec, onTick: (s) => progress.tick(s, args.durationSec) }));
  };
  for (let round = 1; round <= args.rounds; round += 1) {
    const of = `round ${round}/${args.rounds}`;
    for (const target of ['p2c', 'rr'] as const) await measure(target, { connections: RATE_CONNECTIONS, overallRate: RATE }, `fast + ${SLOW_MS} ms-slow instance at ${RATE} req/s, ${of}`);
    for (const target of ['pair', 'single'] as const) await measure(target, { connections: SATURATING_CONNECTIONS }, `saturated, ${of}`);
  }
  progress.end();
  const failures = Object.entries(runs).flatMap(([target, results]) => {
    const bad = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    return bad > 0 ? [`pool ${target}: ${bad} failed requests`] : [];
  });
  const p99 = { p2c: median(runs.p2c.map((r) => r.p99Ms)), rr: median(runs.rr.map((r) => r.p99Ms)) };
  const rps = { pair: median(runs.pair.map((r) => r.rps)), single: median(runs.single.map((r) => r.rps)) };
  const json = {
    pool_p99_p2c_ms: round(p99.p2c, 2),
    pool_p99_rr_ms: round(p99.rr, 2),
    pool_p99_p2c_vs_rr: round(p99.p2c / p99.rr, 3),
    pool_pair_rps: round(rps.pair),
    pool_single_rps: round(rps.single),
    pool_vs_single: round(rps.pair / rps.single, 3),
  };
  const human = [
    `instances: an upstream of a fast and a ${SLOW_MS} ms-slow instance at ${RATE} req/s over ${RATE_CONNECTIONS} connections; an upstream of two fast instances against one, saturated (${SATURATING_CONNECTIONS} connections); medians of ${args.rounds} rounds`,
    '',
    `p99 with p2c ${json.pool_p99_p2c_ms} ms, with round robin ${json.pool_p99_rr_ms} ms: pool_p99_p2c_vs_rr ${json.pool_p99_p2c_vs_rr} (target ≤ ${POOL_TARGETS.p99P2cVsRr})`,
    `two instances ${json.pool_pair_rps} req/s, one ${json.pool_single_rps} req/s: pool_vs_single ${json.pool_vs_single} (target ≥ ${POOL_TARGETS.poolVsSingle})`,
  ].join('\n');
  return { human, json, failures };
}
