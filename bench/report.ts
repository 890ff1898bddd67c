import type { LoadResult } from './load';
import { median, round } from './stats';

export const TARGETS = ['direct', 'raw', 'naive', 'gateway'] as const;
export type Target = (typeof TARGETS)[number];

/** Failures seen by one target over every run, warm-ups included; a single one voids the ratios. */
export interface Tally {
  non2xx: number;
  errors: number;
}

/** Everything the gateway scenario measured, before any aggregation. */
export interface GatewayMeasurements {
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** One saturated run per target and round, in round order. */
  saturated: Record<Target, LoadResult[]>;
  fixedRate: { rate: number; connections: number; direct: LoadResult[]; gateway: LoadResult[] };
  tallies: Record<Target, Tally>;
  gatewayLogLines: number;
}

export interface TargetSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface GatewayReport {
  measurements: GatewayMeasurements;
  rounds: number;
  summary: Record<Target, TargetSummary>;
  gatewayVsNaive: number;
  gatewayVsRaw: number;
  gatewayVsDirect: number;
  addedP50MsAt1000Rps: number;
  fixedRateAchieved: { direct: number; gateway: number };
}

/** The `--json` contract: exactly these keys, all numbers. */
export interface GatewayBenchJson {
  direct_rps: number;
  raw_rps: number;
  naive_rps: number;
  gateway_rps: number;
  gateway_vs_naive: number;
  gateway_vs_raw: number;
  gateway_vs_direct: number;
  direct_p99_ms: number;
  gateway_p99_ms: number;
  added_p50_ms_at_1000rps: number;
}

/**
 * The median of each metric over the rounds, taken independently. The median rather than the best
 * because on a 2-core machine one round can be starved by a neighbour in either direction.
 */
export function summarise(runs: readonly LoadResult[]): TargetSummary {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
  };
}

export function buildReport(m: GatewayMeasurements): GatewayReport {
  const summary = { direct: summarise(m.saturated.direct), raw: summarise(m.saturated.raw), naive: summarise(m.saturated.naive), gateway: summarise(m.saturated.gateway) };
  const fixedDirect = summarise(m.fixedRate.direct);
  const fixedGateway = summarise(m.fixedRate.gateway);
  return {
    measurements: m,
    rounds: m.saturated.direct.length,
    summary,
    gatewayVsNaive: summary.gateway.rps / summary.naive.rps,
    gatewayVsRaw: summary.gateway.rps / summary.raw.rps,
    gatewayVsDirect: summary.gateway.rps / summary.direct.rps,
    addedP50MsAt1000Rps: fixedGateway.p50Ms - fixedDirect.p50Ms,
    fixedRateAchieved: { direct: fixedDirect.rps, gateway: fixedGateway.rps },
  };
}

export function toJson(r: GatewayReport): GatewayBenchJson {
  return {
    direct_rps: round(r.summary.direct.rps),
    raw_rps: round(r.summary.raw.rps),
    naive_rps: round(r.summary.naive.rps),
    gateway_rps: round(r.summary.gateway.rps),
    gateway_vs_naive: round(r.gatewayVsNaive, 3),
    gateway_vs_raw: round(r.gatewayVsRaw, 3),
    gateway_vs_direct: round(r.gatewayVsDirect, 3),
    direct_p99_ms: round(r.summary.direct.p99Ms, 2),
    gateway_p99_ms: round(r.summary.gateway.p99Ms, 2),
    added_p50_ms_at_1000rps: round(r.addedP50MsAt1000Rps, 2),
  };
}

/** One line per target that saw non-2xx responses or errors; empty means the ratios can be trusted. */
export function failures(m: GatewayMeasurements): string[] {
  return TARGETS.flatMap((t) => {
    const { non2xx, errors } = m.tallies[t];
    return non2xx > 0 || errors > 0 ? [`${t}: ${non2xx} non-2xx responses, ${errors} errors`] : [];
  });
}

export function formatHuman(r: GatewayReport): string {
  const m = r.measurements;
  const d = r.summary.direct;
  const header = ['target', 'req/s', 'x direct', 'p50 ms', 'x direct', 'p99 ms', 'x direct', 'non-2xx', 'errors'];
  const rows = TARGETS.map((t) => {
    const s = r.summary[t];
    return [t, s.rps.toFixed(0), (s.rps / d.rps).toFixed(3), s.p50Ms.toFixed(2), (s.p50Ms / d.p50Ms).toFixed(2),
      s.p99Ms.toFixed(2), (s.p99Ms / d.p99Ms).toFixed(2), String(m.tallies[t].non2xx), String(m.tallies[t].errors)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const f = m.fixedRate;
  return [
    `gateway overhead: ${m.connections} connections, ${m.durationSec} s per target after a ${m.warmupSec} s warm-up,`,
    `${r.rounds} interleaved rounds (direct, raw, naive, gateway, ...); each figure is the MEDIAN over the rounds`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `gateway_vs_naive: ${r.gatewayVsNaive.toFixed(3)}   (gateway req/s / naive req/s)`,
    `gateway_vs_raw: ${r.gatewayVsRaw.toFixed(3)}   (gateway req/s / raw node:http proxy req/s)`,
    `gateway_vs_direct: ${r.gatewayVsDirect.toFixed(3)}`,
    `added_p50_ms_at_1000rps: ${r.addedP50MsAt1000Rps.toFixed(2)}   (p50 gateway - p50 direct at a fixed ${f.rate} req/s over ` +
      `${f.connections} connections, median of ${f.direct.length} rounds; achieved ${r.fixedRateAchieved.direct.toFixed(0)} / ` +
      `${r.fixedRateAchieved.gateway.toFixed(0)} req/s)`,
    `gateway log lines on stdout: ${m.gatewayLogLines}${m.gatewayLogLines > 0 ? ' (logging was on)' : ' (NO log lines: was logging off?)'}`,
  ].join('\n');
}
