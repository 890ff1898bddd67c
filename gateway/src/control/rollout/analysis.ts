import { summarize } from '../../shadow/latency';
import type { CanaryEvidence, DataEvidence, ShadowEvidence } from './evidence-types';
import type { Check, ResolvedPlan, Sample, Verdict } from './types';
import { wilson } from './wilson';

/**
 * The analysis of one interval, as pure functions of the evidence a step has gathered so far.
 *
 * Below `minRequests` a check says no-data and never passes on its own. It fails at once, whatever
 * the sample size, when its failures already decide it: were every remaining request of the
 * minimum sample a success, it would still fail. So a new side that hangs or errors from the start
 * is rolled back on its first few answers instead of waiting, unnoticed, for traffic it cannot
 * serve. Above the minimum, the match rate is judged by its Wilson interval: pass when the lower
 * bound reaches the gate, fail when even the upper bound falls short, inconclusive in between
 * (more traffic will decide it). Rates of failures are judged on their observed values.
 */

export interface AnalysisResult {
  readonly verdict: Verdict;
  readonly checks: readonly Check[];
  readonly sample: Sample;
}

/** Two numbers as percentages, with as many decimals as it takes to tell them apart. */
export function percents(value: number, limit: number): [string, string] {
  for (let digits = 1; digits < 4; digits++) {
    const a = (value * 100).toFixed(digits);
    const b = (limit * 100).toFixed(digits);
    if (a !== b) return [`${a}%`, `${b}%`];
  }
  return [`${(value * 100).toFixed(4)}%`, `${(limit * 100).toFixed(4)}%`];
}

const pct = (v: number): string => `${Math.round(v * 1000) / 10}%`;
const ms = (v: number): string => `${Math.round(v * 10) / 10} ms`;

/** fail beats everything; then no-data, then inconclusive; pass only when every check passed. */
export function combine(checks: readonly Check[]): Verdict {
  for (const v of ['fail', 'no-data', 'inconclusive'] as const) if (checks.some((c) => c.verdict === v)) return v;
  return 'pass';
}

/** Shadow: the match rate's Wilson lower bound against the gate, and new's error rate against the gate's. */
export function analyzeShadow(e: ShadowEvidence, plan: ResolvedPlan, data: DataEvidence | null, now: Date): AnalysisResult {
  const { minRequests: min } = plan;
  const { minMatchRate, maxNewErrorRate } = plan.shadow;
  const shadowed = e.compared + e.newFailures;
  const checks: Check[] = [matchRateCheck(e, min, minMatchRate), errorRateCheck('new-error-rate', e.newFailures, shadowed, min, maxNewErrorRate, 0)];
  if (data) checks.push(dataCheck(data, now));
  return { verdict: combine(checks), checks, sample: { compared: e.compared, matches: e.matches, fresh: { requests: shadowed, failures: e.newFailures, p99Ms: null } } };
}

function matchRateCheck(e: ShadowEvidence, min: number, gate: number): Check {
  const shadowed = e.compared + e.newFailures;
  const bound = wilson(e.matches, e.compared);
  const value = e.compared === 0 ? null : bound.lower;
  const seen = `${e.matches}/${e.compared} matching`;
  if (shadowed < min) {
    // The best the minimum sample can still show: every request to come compared and matched.
    const rest = min - shadowed;
    const best = wilson(e.matches + rest, e.compared + rest);
    if (best.upper < gate) {
      const [upper, limit] = percents(best.upper, gate);
      return { name: 'match-rate', value, threshold: gate, verdict: 'fail', detail: `${seen}: even if the next ${rest} all matched, the upper bound ${upper} would stay below ${limit}` };
    }
    return { name: 'match-rate', value, threshold: gate, verdict: 'no-data', detail: `${seen}, ${shadowed} of the ${min} requests needed` };
  }
  if (e.compared === 0) return { name: 'match-rate', value: null, threshold: gate, verdict: 'fail', detail: `none of ${shadowed} shadowed requests could be compared (new failed them all)` };
  const [lower, limit] = percents(bound.lower, gate);
  const [upper] = percents(bound.upper, gate);
  const rate = percents(e.matches / e.compared, gate)[0];
  if (bound.lower >= gate) return { name: 'match-rate', value, threshold: gate, verdict: 'pass', detail: `${seen} (${rate}), lower bound ${lower} ≥ ${limit}` };
  if (bound.upper < gate) return { name: 'match-rate', value, threshold: gate, verdict: 'fail', detail: `${seen} (${rate}), upper bound ${upper} < ${limit}` };
  return { name: 'match-rate', value, threshold: gate, verdict: 'inconclusive', detail: `${seen} (${rate}), interval ${lower}–${upper} still spans ${limit}: needs more traffic` };
}

/**
 * A failure rate against a limit (`baseline` + `margin`): the shadow gate's new-side error rate,
 * or a canary's new side against legacy's.
 */
function errorRateCheck(name: string, failures: number, requests: number, min: number, margin: number, baseline: number, against = ''): Check {
  const limit = baseline + margin;
  const value = requests === 0 ? null : failures / requests;
  const seen = `${failures}/${requests} failed`;
  if (requests < min) {
    // Were every remaining request of the minimum sample a success, the rate would be failures / min.
    if (failures / min > limit) {
      const [best, max] = percents(failures / min, limit);
      return { name, value, threshold: limit, verdict: 'fail', detail: `${seen}: even if the next ${min - requests} succeeded, ${best} would exceed ${max}${against}` };
    }
    return { name, value, threshold: limit, verdict: 'no-data', detail: `${seen}, ${requests} of the ${min} requests needed` };
  }
  const [rate, max] = percents(value ?? 0, limit);
  return { name, value, threshold: limit, verdict: (value ?? 0) <= limit ? 'pass' : 'fail', detail: `${seen} (${rate}) ${(value ?? 0) <= limit ? '≤' : '>'} ${max}${against}` };
}

/** Canary: new's failure rate may exceed legacy's by the margin at most; new's p99 stays within a factor of legacy's. */
export function analyzeCanary(e: CanaryEvidence, plan: ResolvedPlan, data: DataEvidence | null, now: Date): AnalysisResult {
  const { minRequests: min } = plan;
  const { maxErrorRateIncrease, maxP99Factor, p99FloorMs } = plan.canary;
  const legacyRate = e.legacy.requests === 0 ? 0 : e.legacy.failures / e.legacy.requests;
  const legacyShort = e.legacy.requests < min;
  const against = ` (legacy ${pct(legacyRate)} of ${e.legacy.requests} + ${pct(maxErrorRateIncrease)})`;
  let errors = errorRateCheck('error-rate', e.fresh.failures, e.fresh.requests, min, maxErrorRateIncrease, legacyRate, against);
  // New's own sample may be complete while legacy's is not: a rate against too few legacy answers decides nothing yet, unless new already failed.
  if (legacyShort && errors.verdict === 'pass') errors = { ...errors, verdict: 'no-data', detail: `${errors.detail}; legacy answered ${e.legacy.requests} of the ${min} requests needed` };
  const newP99 = e.fresh.requests === 0 ? null : summarize(e.fresh.latency).p99Ms;
  const legacyP99 = e.legacy.requests === 0 ? null : summarize(e.legacy.latency).p99Ms;
  const checks: Check[] = [errors, latencyCheck(newP99, legacyP99, e.fresh.requests, e.legacy.requests, min, maxP99Factor, p99FloorMs)];
  if (data) checks.push(dataCheck(data, now));
  return {
    verdict: combine(checks),
    checks,
    sample: {
      fresh: { requests: e.fresh.requests, failures: e.fresh.failures, p99Ms: newP99 },
      legacy: { requests: e.legacy.requests, failures: e.legacy.failures, p99Ms: legacyP99 },
    },
  };
}

function latencyCheck(newP99: number | null, legacyP99: number | null, nNew: number, nLegacy: number, min: number, factor: number, floorMs: number): Check {
  const threshold = legacyP99 === null ? null : Math.max(legacyP99 * factor, floorMs);
  if (nNew < min || nLegacy < min || newP99 === null || threshold === null) {
    return { name: 'p99-latency', value: newP99, threshold, verdict: 'no-data', detail: `new ${nNew}, legacy ${nLegacy} answers of the ${min} each needs` };
  }
  const ok = newP99 <= threshold;
  return {
    name: 'p99-latency',
    value: newP99,
    threshold,
    verdict: ok ? 'pass' : 'fail',
    detail: `new p99 ${ms(newP99)} ${ok ? '≤' : '>'} ${ms(threshold)} (${factor} × legacy p99 ${ms(legacyP99 ?? 0)}, never below ${ms(floorMs)})`,
  };
}

/** The last verify of the route's data context: a dirty one fails; none, or one too old, is no-data (run verify again). */
export function dataCheck(d: DataEvidence, now: Date): Check {
  const maxHours = d.maxAgeMs / 3_600_000;
  if (d.last === null) return { name: 'data-freshness', value: null, threshold: maxHours, verdict: 'no-data', detail: `no verify of ${d.context} recorded: run \`strangler verify ${d.context}\`` };
  const ageMs = Math.max(0, now.getTime() - d.last.at.getTime());
  const hours = Math.round((ageMs / 3_600_000) * 100) / 100;
  const when = `verify of ${d.context} at ${d.last.at.toISOString()} (${hours} h ago, limit ${Math.round(maxHours * 100) / 100} h)`;
  if (!d.last.clean) return { name: 'data-freshness', value: hours, threshold: maxHours, verdict: 'fail', detail: `${when} found differences: ${d.last.summary}` };
  if (ageMs > d.maxAgeMs) return { name: 'data-freshness', value: hours, threshold: maxHours, verdict: 'no-data', detail: `${when} is too old: run \`strangler verify ${d.context}\`` };
  return { name: 'data-freshness', value: hours, threshold: maxHours, verdict: 'pass', detail: `${when} was clean` };
}

/** One line with the numbers that decided an analysis: for the log, the status and the audit reason. */
export function summaryOf(verdict: Verdict, checks: readonly Check[]): string {
  return `${verdict}: ${checks.map((c) => `${c.name} ${c.verdict} (${c.detail})`).join('; ')}`;
}
