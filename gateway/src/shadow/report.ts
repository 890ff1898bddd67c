import { fieldId, type FieldCount, type FieldRef, type ShadowTotals } from './batch';
import { classifyFields, DEFAULT_NOISE_THRESHOLDS } from './classify';
import { summarize, type Histogram } from './latency';
import type { CompareFailureReport, FieldReport, GateThresholds, NoiseThresholds, RouteShadowReport, ShadowSample, UnreadableRow } from './types';

/** A route's shadow record since a time, summed over hours and replicas, as the store reads it. */
export interface RouteAggregate {
  readonly routeId: string;
  readonly totals: ShadowTotals;
  readonly fields: readonly FieldCount[];
  readonly fingerprints: readonly { readonly fields: readonly FieldRef[]; readonly count: number }[];
  readonly latency: { readonly legacy: Histogram; readonly fresh: Histogram };
  /** By fieldId, newest first. */
  readonly samples: ReadonlyMap<string, readonly ShadowSample[]>;
  /** Stored rows left out because they could not be read. */
  readonly unreadable?: readonly UnreadableRow[];
  /** Translation failures, most frequent first. */
  readonly failures?: readonly CompareFailureReport[];
}

/** Each field's verdict by fieldId, for the report and for the recorder's match counter. */
export function classifyAggregate(totals: Pick<ShadowTotals, 'compared' | 'noiseSampled'>, fields: readonly FieldCount[], t: NoiseThresholds): Map<string, boolean> {
  return new Map(classifyFields(fields, totals, t).map((f) => [fieldId(f.path, f.kind), f.real]));
}

export { DEFAULT_NOISE_THRESHOLDS };

/**
 * The report of one route. Matches are decided here, from the fingerprints and today's
 * classification, so a field learned to be noise stops counting against requests already stored.
 */
export function buildReport(agg: RouteAggregate, since: Date, noise: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS): RouteShadowReport {
  const t = agg.totals;
  const classified = classifyFields(agg.fields, t, noise);
  const real = new Map(classified.map((f) => [fieldId(f.path, f.kind), f.real]));
  // A field with no verdict cannot be excused as noise.
  const isReal = (ref: FieldRef) => real.get(fieldId(ref[0], ref[1])) ?? true;
  const matchedDiffering = agg.fingerprints.filter((fp) => !fp.fields.some(isReal)).reduce((n, fp) => n + fp.count, 0);
  const matches = Math.min(t.compared, t.identical + matchedDiffering);
  const failed = t.newErrors + t.newTimeouts;
  const fields: FieldReport[] = classified.map((f) => ({ ...f, samples: agg.samples.get(fieldId(f.path, f.kind)) ?? [] }));
  // Real first, then the most frequent: the top of the table is what to fix before a flip.
  fields.sort((a, b) => Number(b.real) - Number(a.real) || b.raw - a.raw || b.noise - a.noise || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : 1));
  return {
    routeId: agg.routeId,
    since: since.toISOString(),
    compared: t.compared,
    matches,
    matchRate: t.compared === 0 ? null : matches / t.compared,
    noiseSampled: t.noiseSampled,
    dropped: t.dropped,
    bodyTooLarge: t.bodyTooLarge,
    truncated: t.truncated,
    newErrors: t.newErrors,
    newTimeouts: t.newTimeouts,
    compareErrors: t.compareErrors,
    legacyErrors: t.legacyErrors,
    legacyTimeouts: t.legacyTimeouts,
    newErrorRate: t.compared + failed === 0 ? null : failed / (t.compared + failed),
    latency: { legacy: summarize(agg.latency.legacy), new: summarize(agg.latency.fresh) },
    fields,
    compareFailures: agg.failures ?? [],
    ...(agg.unreadable && agg.unreadable.length > 0 ? { unreadable: agg.unreadable } : {}),
  };
}

/**
 * Percentages for reasons: one decimal, more when one decimal would print a failing value equal to
 * its threshold (99.95% against 100.0%).
 */
function percents(value: number, limit: number): [string, string] {
  for (let digits = 1; digits < 4; digits++) {
    const a = (value * 100).toFixed(digits);
    const b = (limit * 100).toFixed(digits);
    if (a !== b) return [`${a}%`, `${b}%`];
  }
  return [`${(value * 100).toFixed(4)}%`, `${(limit * 100).toFixed(4)}%`];
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The flip gate's judgement of a route's shadow record; every failed condition is named with its numbers. */
export function gateVerdict(report: RouteShadowReport | null, thresholds: GateThresholds): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const compared = report?.compared ?? 0;
  if (compared < thresholds.minCompared) reasons.push(`compared ${plural(compared, 'request')}, the gate needs at least ${thresholds.minCompared}`);
  const matchRate = report?.matchRate ?? null;
  if (matchRate === null) {
    if (thresholds.minMatchRate > 0 && compared >= thresholds.minCompared) reasons.push(`no request was compared, so there is no match rate to hold against ${percents(0, thresholds.minMatchRate)[1]}`);
  } else if (matchRate < thresholds.minMatchRate) {
    const [value, limit] = percents(matchRate, thresholds.minMatchRate);
    reasons.push(`match rate ${value} is below ${limit}`);
  }
  const errorRate = report?.newErrorRate ?? null;
  if (errorRate !== null && errorRate > thresholds.maxNewErrorRate) {
    const [value, limit] = percents(errorRate, thresholds.maxNewErrorRate);
    reasons.push(`new-side error rate ${value} is above ${limit}`);
  }
  return { ok: reasons.length === 0, reasons };
}
