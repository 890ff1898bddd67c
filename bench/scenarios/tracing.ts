/**
 * The cost of tracing (issue 21): three gateways over one upstream, measured side by side in
 * interleaved rounds: trace context switched off (`tracing.propagate: false`), trace context alone
 * (the default: traceparent parsed and sent on every try, no SDK), and OpenTelemetry on (an
 * always-on sampler, every span exported over OTLP/HTTP to a local receiver).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLoad, type LoadResult } from '../load';
import { freePort, REPO_ROOT, tsChild, type Child, type ProcessGroup } from '../processes';
import { median, medianOfRatios, round } from '../stats';
import { withTempDir } from './gateway';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario';

const CONNECTIONS = 50;
const WARMUP_SEC = 2;
const PATH = '/api/items/42';
/** Targets from the issue. */
export const TRACING_TARGETS = { traceparentVsOff: 0.97, tracingOnVsOff: 0.85 } as const;

const GATEWAYS = ['off', 'context', 'otel'] as const;
type Variant = (typeof GATEWAYS)[number];
const LABEL: Record<Variant, string> = { off: 'trace context off', context: 'trace context, no SDK', otel: 'OpenTelemetry, always on' };

export interface TracingTargets {
  readonly gateways: Record<Variant, Child>;
  readonly sink: Child;
}

export const tracingScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting the upstream, the OTLP receiver and three gateways');
    return runTracingPhase(ctx, await startTracingTargets(ctx.group, dir));
  });

/** The table of each gateway: one legacy route and the catch-all; `propagate` as the variant asks. */
export function tracingRoutes(upstreamUrl: string, propagate: boolean): object {
  return {
    upstreams: { bench: { url: upstreamUrl } },
    tracing: { propagate },
    routes: [
      { id: 'bench.items', path: '/api/items/*', methods: ['GET', 'HEAD'], mode: 'legacy', legacy: { upstream: 'bench' } },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'bench' } },
    ],
  };
}

export async function startTracingTargets(group: ProcessGroup, dir: string): Promise<TracingTargets> {
  const upstream = await group.start(tsChild('upstream', 'upstream.ts', []));
  const sink = await group.start(tsChild('OTLP receiver', 'otlp-sink.ts', []));
  // Whatever OTEL_* the shell carries, only the traced gateway traces.
  const untraced = { OTEL_TRACES_EXPORTER: 'none' };
  const traced = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'bench-gateway' };
  const start = async (variant: Variant, env: NodeJS.ProcessEnv) => {
    const routes = join(dir, `tracing-${variant}.json`);
    await writeFile(routes, JSON.stringify(tracingRoutes(upstream.url, variant !== 'off'), null, 2));
    const port = await freePort();
    return group.start({
      name: `gateway (${LABEL[variant]})`,
      args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, `tracing-${variant}.sqlite`)}`],
      readiness: { kind: 'health', port, path: '/healthz' },
      readyTimeoutMs: 60_000,
      env,
    });
  };
  return { gateways: { off: await start('off', untraced), context: await start('context', untraced), otel: await start('otel', traced) }, sink };
}

export async function runTracingPhase({ args, progress }: ScenarioContext, t: TracingTargets): Promise<ScenarioOutcome> {
  const runs: Record<Variant, LoadResult[]> = { off: [], context: [], otel: [] };
  const sent: Record<Variant, number> = { off: 0, context: 0, otel: 0 };
  const cpuUs: Record<Variant, number[]> = { off: [], context: [], otel: [] };
  for (let round = 1; round <= args.rounds; round += 1) {
    for (const variant of GATEWAYS) {
      const url = t.gateways[variant].url + PATH;
      const of = `${LABEL[variant]}, round ${round}/${args.rounds}`;
      progress.phase(`tracing: warm-up, ${of}`);
      const warm = await runLoad({ url, connections: CONNECTIONS, durationSec: WARMUP_SEC });
      progress.phase(`tracing: measuring ${CONNECTIONS} connections, ${of}`);
      const before = cpuMs(t.gateways[variant].pid);
      const measured = await runLoad({ url, connections: CONNECTIONS, durationSec: args.durationSec, onTick: (s) => progress.tick(s, args.durationSec) });
      cpuUs[variant].push(((cpuMs(t.gateways[variant].pid) - before) * 1000) / measured.responses);
      runs[variant].push(measured);
      sent[variant] += warm.responses + measured.responses;
    }
  }
  progress.end();
  // What reached the receiver, once the traced gateway's last batch (sent every 5 s) has had time to go.
  await new Promise((r) => setTimeout(r, 6_000));
  const exported = ((await (await fetch(`${t.sink.url}/count`)).json()) as { spans: number }).spans;
  const rps = { off: median(runs.off.map((r) => r.rps)), context: median(runs.context.map((r) => r.rps)), otel: median(runs.otel.map((r) => r.rps)) };
  const p99 = { off: median(runs.off.map((r) => r.p99Ms)), context: median(runs.context.map((r) => r.p99Ms)), otel: median(runs.otel.map((r) => r.p99Ms)) };
  const json = {
    tracing_off_rps: round(rps.off),
    tracing_context_rps: round(rps.context),
    tracing_on_rps: round(rps.otel),
    // Ratios within each round (the gateways of a round run back to back), then their median.
    traceparent_vs_off: round(medianOfRatios(runs.context.map((r) => r.rps), runs.off.map((r) => r.rps)), 3),
    tracing_on_vs_off: round(medianOfRatios(runs.otel.map((r) => r.rps), runs.context.map((r) => r.rps)), 3),
    tracing_spans_per_request: round(exported / sent.otel, 2),
    tracing_off_cpu_us: round(median(cpuUs.off), 1),
    tracing_context_cpu_us: round(median(cpuUs.context), 1),
    tracing_on_cpu_us: round(median(cpuUs.otel), 1),
  };
  const failures = GATEWAYS.flatMap((v) => {
    const bad = runs[v].reduce((n, r) => n + r.non2xx + r.errors, 0);
    return bad > 0 ? [`tracing ${v}: ${bad} failed requests`] : [];
  });
  if (exported === 0) failures.push('tracing: the traced gateway exported no span to the local receiver');
  const human = [
    `tracing: one route, ${CONNECTIONS} connections, ${args.durationSec} s per gateway after a ${WARMUP_SEC} s warm-up; medians of ${args.rounds} interleaved rounds (ratios taken within each round)`,
    '',
    ...GATEWAYS.map((v) => `${LABEL[v].padEnd(26)} ${rps[v].toFixed(0).padStart(7)} req/s   p99 ${p99[v].toFixed(2)} ms   gateway CPU ${median(cpuUs[v]).toFixed(1)} µs a request`),
    '',
    `traceparent_vs_off: ${json.traceparent_vs_off}   (trace context alone / trace context off; target ≥ ${TRACING_TARGETS.traceparentVsOff})`,
    `tracing_on_vs_off: ${json.tracing_on_vs_off}   (OpenTelemetry always on, exporting / tracing off, trace context on; target ≥ ${TRACING_TARGETS.tracingOnVsOff})`,
    `CPU a request (from /proc, less sensitive to a busy machine than req/s): trace context ${(json.tracing_context_cpu_us / json.tracing_off_cpu_us).toFixed(3)}x off, OpenTelemetry ${(json.tracing_on_cpu_us / json.tracing_context_cpu_us).toFixed(3)}x off`,
    `spans received by the local receiver: ${exported} for ${sent.otel} requests (${json.tracing_spans_per_request} a request; 2 are made, the SDK's batch queue drops what it cannot hold)`,
  ].join('\n');
  return { human, json, failures };
}

/**
 * The CPU time (user + system, ms) a process has used so far, from /proc on Linux; NaN elsewhere.
 * Throughput on a shared machine swings with its neighbours; the CPU a request costs swings less.
 */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS = 100;
