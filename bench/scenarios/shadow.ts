/**
 * Shadow cost (issue 6): one gateway, one route table, three routes on the same two upstreams
 * (a legacy and a new copy of the bench upstream, so the mirrored copy does real work): mode
 * legacy, mode shadow at sample 1.0 and at sample 0.1. Measured side by side in interleaved rounds;
 * the figures are shadow@1.0 req/s over legacy req/s and shadow@0.1 p99 over legacy p99.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLoad, type LoadResult } from '../load';
import { freePort, REPO_ROOT, tsChild, type Child, type ProcessGroup } from '../processes';
import { summarise, type Tally, type TargetSummary } from '../report';
import { round } from '../stats';
import { withTempDir } from './gateway';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario';

const CONNECTIONS = 50;
const WARMUP_SEC = 2;
/** The issue's targets: shadow@1.0 keeps 0.7 of legacy's throughput; shadow@0.1's p99 is legacy's within noise. */
export const TARGET_RPS_RATIO = 0.7;
/** What "within noise" is taken to mean for the verdict line (the JSON carries the raw ratio). */
export const P99_NOISE = 1.2;

export const SHADOW_TARGETS = ['legacy', 'shadow@1.0', 'shadow@0.1'] as const;
export type ShadowTarget = (typeof SHADOW_TARGETS)[number];
/** Route id and gateway path of each target; all three rewrite to the same upstream path, so the bodies are identical. */
export const SHADOW_ROUTES: Record<ShadowTarget, { id: string; prefix: string; sample?: number }> = {
  legacy: { id: 'bench.legacy', prefix: '/legacy' },
  'shadow@1.0': { id: 'bench.shadow-1', prefix: '/shadow1', sample: 1 },
  'shadow@0.1': { id: 'bench.shadow-0.1', prefix: '/shadow01', sample: 0.1 },
};
const UPSTREAM_PATH = '/api/items/42';
const pathOf = (t: ShadowTarget): string => `${SHADOW_ROUTES[t].prefix}/42`;

export const shadowScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting the legacy and new upstreams and the gateway');
    return runShadowPhase(ctx, await startShadowTargets(ctx.group, dir));
  });

/** The gateway's route table: the three routes on both upstreams (noiseSample at its default), and the required catch-all. */
export function shadowRoutes(legacyUrl: string, newUrl: string): object {
  const measured = SHADOW_TARGETS.map((t) => {
    const { id, prefix, sample } = SHADOW_ROUTES[t];
    return {
      id, path: `${prefix}/*`, methods: ['GET'], mode: sample === undefined ? 'legacy' : 'shadow',
      legacy: { upstream: 'legacy', rewrite: '/api/items/*' }, new: { upstream: 'new', rewrite: '/api/items/*' },
      ...(sample === undefined ? {} : { shadow: { sample } }),
    };
  });
  return {
    upstreams: { legacy: { url: legacyUrl }, new: { url: newUrl } },
    routes: [...measured, { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } }],
  };
}

export interface ShadowTargets { legacy: Child; new: Child; gateway: Child }

export async function startShadowTargets(group: ProcessGroup, dir: string): Promise<ShadowTargets> {
  const legacy = await group.start(tsChild('legacy upstream', 'upstream.ts', []));
  const fresh = await group.start(tsChild('new upstream', 'upstream.ts', []));
  const routes = join(dir, 'shadow-routes.json');
  await writeFile(routes, JSON.stringify(shadowRoutes(legacy.url, fresh.url), null, 2));
  const port = await freePort();
  const gateway = await group.start({
    name: 'gateway (shadow)',
    args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, 'shadow-state.sqlite')}`],
    readiness: { kind: 'health', port, path: '/healthz' },
    readyTimeoutMs: 60_000,
  });
  return { legacy, new: fresh, gateway };
}

export interface ShadowMeasurements {
  connections: number;
  durationSec: number;
  warmupSec: number;
  saturated: Record<ShadowTarget, LoadResult[]>;
  tallies: Record<ShadowTarget, Tally>;
  /** Responses the load runs saw per route, warm-ups included (the shadow counters count those too). */
  answered: Record<ShadowTarget, number>;
  /** `strangler_shadow_requests_total` of each shadow route by result, read after the load. */
  mirrored: Record<string, Record<string, number>>;
}

export async function runShadowPhase({ args, progress }: ScenarioContext, targets: ShadowTargets): Promise<ScenarioOutcome> {
  const { gateway } = targets;
  await checkShadow(targets, (m) => progress.phase(m));
  const tallies: Record<ShadowTarget, Tally> = { legacy: zero(), 'shadow@1.0': zero(), 'shadow@0.1': zero() };
  const answered: Record<ShadowTarget, number> = { legacy: 0, 'shadow@1.0': 0, 'shadow@0.1': 0 };
  const saturated: Record<ShadowTarget, LoadResult[]> = { legacy: [], 'shadow@1.0': [], 'shadow@0.1': [] };
  const measure = async (target: ShadowTarget, label: string, durationSec: number): Promise<LoadResult> => {
    progress.phase(`${label} (${target})`);
    const result = await runLoad({ url: gateway.url + pathOf(target), connections: CONNECTIONS, durationSec, onTick: (s) => progress.tick(s, durationSec) });
    tallies[target].non2xx += result.non2xx;
    tallies[target].errors += result.errors;
    answered[target] += result.responses;
    return result;
  };
  // Interleaved so that a slow patch of the machine hits every route, not just one of them.
  for (let r = 1; r <= args.rounds; r += 1) {
    for (const target of SHADOW_TARGETS) {
      const of = `round ${r}/${args.rounds}`;
      await measure(target, `warm-up, ${of}`, WARMUP_SEC);
      saturated[target].push(await measure(target, `measuring ${CONNECTIONS} connections, ${of}`, args.durationSec));
    }
  }
  progress.phase('reading the shadow counters once the recorder has flushed');
  await sleep(3_000);
  const mirrored = shadowCounters(await metricsText(gateway));
  progress.end();
  const m: ShadowMeasurements = { connections: CONNECTIONS, durationSec: args.durationSec, warmupSec: WARMUP_SEC, saturated, tallies, answered, mirrored };
  const report = buildShadowReport(m);
  return { human: formatShadowHuman(report), json: shadowToJson(report), failures: shadowFailures(m) };
}

/**
 * Before the load: every route answers the upstream's body, and a burst on the sample-1.0 route
 * shows up in the gateway's shadow counter (the mirror really runs and its results are recorded).
 */
async function checkShadow({ legacy, gateway }: ShadowTargets, say: (m: string) => void): Promise<void> {
  say('checking that the three routes answer the upstream body and that shadow@1.0 mirrors');
  const expected = await (await fetch(legacy.url + UPSTREAM_PATH)).text();
  for (const t of SHADOW_TARGETS) {
    const res = await fetch(gateway.url + pathOf(t));
    const body = await res.text();
    if (res.status !== 200 || body !== expected) {
      throw new Error(`${t} does not pass the upstream's answer through: ${res.status}, ${body.length} bytes (expected 200, ${expected.length} bytes)\n${body.slice(0, 300)}`);
    }
  }
  const burst = 20;
  for (let i = 0; i < burst; i += 1) await (await fetch(gateway.url + pathOf('shadow@1.0'))).arrayBuffer();
  const id = SHADOW_ROUTES['shadow@1.0'].id;
  let seen = 0;
  for (let i = 0; i < 100 && seen < burst; i += 1) {
    await sleep(100);
    seen = sum(shadowCounters(await metricsText(gateway))[id] ?? {});
  }
  if (seen < burst) throw new Error(`shadow@1.0 is not mirrored: strangler_shadow_requests_total{route="${id}"} counts ${seen} of ${burst + 1} requests after 10 s`);
}

async function metricsText(gateway: Child): Promise<string> {
  const res = await fetch(`${gateway.url}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`gateway /metrics answered ${res.status}`);
  return text;
}

/** `strangler_shadow_requests_total{route,result}` out of Prometheus text: route → result → count. */
export function shadowCounters(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const line = /^strangler_shadow_requests_total\{([^}]*)\}\s+(\S+)/;
  for (const raw of text.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const { route, result } = labels;
    if (route === undefined || result === undefined) continue;
    (out[route] ??= {})[result] = Number(m[2]);
  }
  return out;
}

export interface ShadowReport {
  measurements: ShadowMeasurements;
  rounds: number;
  summary: Record<ShadowTarget, TargetSummary>;
  shadowVsLegacy: number;
  p99RatioAt01: number;
}

export function buildShadowReport(m: ShadowMeasurements): ShadowReport {
  const summary = Object.fromEntries(SHADOW_TARGETS.map((t) => [t, summarise(m.saturated[t])])) as Record<ShadowTarget, TargetSummary>;
  return {
    measurements: m,
    rounds: m.saturated.legacy.length,
    summary,
    shadowVsLegacy: summary['shadow@1.0'].rps / summary.legacy.rps,
    p99RatioAt01: summary['shadow@0.1'].p99Ms / summary.legacy.p99Ms,
  };
}

/** The `--json` contract: exactly these keys, all numbers. */
export function shadowToJson(r: ShadowReport): Record<string, number> {
  const s = r.summary;
  return {
    shadow_vs_legacy: round(r.shadowVsLegacy, 3),
    shadow_p99_ratio_at_0_1: round(r.p99RatioAt01, 3),
    shadow_legacy_rps: round(s.legacy.rps),
    shadow_rps: round(s['shadow@1.0'].rps),
    shadow_legacy_p99_ms: round(s.legacy.p99Ms, 2),
    shadow_p99_ms: round(s['shadow@1.0'].p99Ms, 2),
    shadow_0_1_p99_ms: round(s['shadow@0.1'].p99Ms, 2),
  };
}

export function shadowFailures(m: ShadowMeasurements): string[] {
  return SHADOW_TARGETS.flatMap((t) => {
    const { non2xx, errors } = m.tallies[t];
    return non2xx > 0 || errors > 0 ? [`${t}: ${non2xx} non-2xx responses, ${errors} errors`] : [];
  });
}

export function formatShadowHuman(r: ShadowReport): string {
  const m = r.measurements;
  const base = r.summary.legacy;
  const header = ['route', 'req/s', 'x legacy', 'p50 ms', 'p99 ms', 'x legacy', 'non-2xx', 'errors'];
  const rows = SHADOW_TARGETS.map((t) => {
    const s = r.summary[t];
    return [t, s.rps.toFixed(0), (s.rps / base.rps).toFixed(3), s.p50Ms.toFixed(2), s.p99Ms.toFixed(2), (s.p99Ms / base.p99Ms).toFixed(2), String(m.tallies[t].non2xx), String(m.tallies[t].errors)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const counts = SHADOW_TARGETS.filter((t) => SHADOW_ROUTES[t].sample !== undefined).map((t) => {
    const c = m.mirrored[SHADOW_ROUTES[t].id] ?? {};
    const detail = Object.entries(c).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
    return `  ${t}: ${sum(c)} outcomes for ~${m.answered[t]} answers under load (${detail || 'none'})`;
  });
  return [
    `shadow cost: one gateway, legacy and new upstreams; ${m.connections} connections, ${m.durationSec} s per route after a ${m.warmupSec} s warm-up,`,
    `${r.rounds} interleaved rounds (legacy, shadow@1.0, shadow@0.1, ...); each figure is the MEDIAN over the rounds`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `shadow_vs_legacy: ${r.shadowVsLegacy.toFixed(3)}   (shadow@1.0 req/s / legacy req/s; target >= ${TARGET_RPS_RATIO}: ${verdict(r.shadowVsLegacy >= TARGET_RPS_RATIO)})`,
    `shadow_p99_ratio_at_0_1: ${r.p99RatioAt01.toFixed(3)}   (shadow@0.1 p99 / legacy p99; within noise taken as <= ${P99_NOISE}: ${verdict(r.p99RatioAt01 <= P99_NOISE)})`,
    'strangler_shadow_requests_total by result (measured runs and warm-ups):',
    ...counts,
  ].join('\n');
}

const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
const zero = (): Tally => ({ non2xx: 0, errors: 0 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
