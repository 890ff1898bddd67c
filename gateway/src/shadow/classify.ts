import type { DiffKind, Difference, FieldReport, NoiseThresholds } from './types';

/**
 * Diffy's noise rule: a field is a real difference only when legacy and new differ on it clearly
 * more often than two legacy answers do. Counts become rates first, because noise is measured on a
 * sample of the requests (those that got a second legacy call), not on all of them.
 *
 * A field is a (path, kind) pair, as in the report: a timestamp that differs between two legacy
 * answers (`changed`) is noise, but the same timestamp missing from new's answer (`missing`) is
 * not excused by it.
 */

export const DEFAULT_NOISE_THRESHOLDS: NoiseThresholds = Object.freeze({ relative: 0.2, absolute: 0.0003 });

/** Per field: requests that differed legacy → new (raw) and legacy → legacy (noise). */
export interface FieldCounts {
  readonly path: string;
  readonly kind: DiffKind;
  readonly raw: number;
  readonly noise: number;
}

export interface ComparisonTotals {
  /** Requests compared legacy → new: the denominator of raw rates. */
  readonly compared: number;
  /** Requests that also got a second legacy call: the denominator of noise rates. */
  readonly noiseSampled: number;
}

export type FieldClassification = Omit<FieldReport, 'samples'>;

/**
 * The key of a field in sets and maps: kind, a space, then the path (a kind never holds a space, a
 * path may). The same form as `fieldId` in `batch.ts`, so keys from the store work here.
 */
export function fieldKey(field: { readonly path: string; readonly kind: DiffKind }): string {
  return `${field.kind} ${field.path}`;
}

/** Rate of `count` over `total`; 0 when nothing was counted, so no samples means no noise. */
export function rate(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

/** Whether a field differing at `rawRate` (legacy → new) against `noiseRate` (legacy → legacy) is real. */
export function isReal(rawRate: number, noiseRate: number, thresholds: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS): boolean {
  if (!(rawRate > noiseRate)) return false;
  const excess = rawRate - noiseRate;
  // rawRate > noiseRate ≥ 0, so rawRate is the larger and positive.
  return excess / rawRate > thresholds.relative && excess > thresholds.absolute;
}

/** Classifies each field, in the order given. */
export function classifyFields(
  fields: readonly FieldCounts[],
  totals: ComparisonTotals,
  thresholds: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS,
): FieldClassification[] {
  return fields.map((f) => {
    const rawRate = rate(f.raw, totals.compared);
    const noiseRate = rate(f.noise, totals.noiseSampled);
    return { path: f.path, kind: f.kind, raw: f.raw, noise: f.noise, rawRate, noiseRate, real: isReal(rawRate, noiseRate, thresholds) };
  });
}

/** The keys (`fieldKey`) of the real fields, for `matchesGiven`. */
export function realKeys(fields: readonly FieldClassification[]): Set<string> {
  return new Set(fields.filter((f) => f.real).map(fieldKey));
}

/**
 * Whether a compared request counts as a match: none of its differences is on a real field.
 * `real` holds `fieldKey`s. A comparison that stopped at its cap (`truncated`) may hide real
 * differences, so callers should count it as a mismatch whatever this says.
 */
export function matchesGiven(real: ReadonlySet<string>, differences: readonly Difference[]): boolean {
  return !differences.some((d) => real.has(fieldKey(d)));
}
