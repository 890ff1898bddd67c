import { z } from 'zod';
import { fieldKey as fieldKeyOf } from './classify';
import { addHistogram, emptyHistogram, observe, type Histogram } from './latency';
import { DiffKindSchema, type DiffKind, type Difference, type SampledRequest, type ShadowOutcome, type ShadowSample } from './types';

/**
 * The in-memory aggregate of one route during one hour, as the recorder builds it between
 * flushes and the results store adds it to the database. Plain counts, so batches from every
 * replica and every flush add up.
 */

export const HOUR_MS = 3_600_000;

export interface ShadowTotals {
  compared: number;
  noiseSampled: number;
  /** Compared requests with no difference at all (they always match). */
  identical: number;
  dropped: number;
  bodyTooLarge: number;
  /** Compared requests with an answer cut at the read cap; never matches. */
  truncated: number;
  newErrors: number;
  newTimeouts: number;
  compareErrors: number;
  /** Reverse shadow: the copy to legacy failed or timed out. */
  legacyErrors: number;
  legacyTimeouts: number;
  /** Differing requests whose fingerprint was not kept (too many distinct, or too wide): never counted as matches. */
  fingerprintOverflow: number;
}

export const TOTAL_KEYS = ['compared', 'noiseSampled', 'identical', 'dropped', 'bodyTooLarge', 'truncated', 'newErrors', 'newTimeouts', 'compareErrors', 'legacyErrors', 'legacyTimeouts', 'fingerprintOverflow'] as const satisfies readonly (keyof ShadowTotals)[];

export interface FieldCount {
  readonly path: string;
  readonly kind: DiffKind;
  raw: number;
  noise: number;
}

/** One field of a fingerprint: [path, kind]. */
export const FieldRefSchema = z.tuple([z.string(), DiffKindSchema]).readonly();
export type FieldRef = z.infer<typeof FieldRefSchema>;

/** A fingerprint as stored (fingerprintText): the sorted fields one differing request differed on. */
export const FingerprintSchema = z.array(FieldRefSchema);

export interface RouteHourBatch {
  readonly routeId: string;
  /** Hours since the epoch. */
  readonly hour: number;
  readonly totals: ShadowTotals;
  /** By fieldId. */
  readonly fields: Map<string, FieldCount>;
  /** Fingerprint text (fingerprintText of its sorted fields) → requests. */
  readonly fingerprints: Map<string, number>;
  readonly latency: { readonly legacy: Histogram; readonly fresh: Histogram };
  /** By fieldId: the newest samples, oldest first. One sample object may serve several fields. */
  readonly samples: Map<string, ShadowSample[]>;
  /** Translation failures by failureKey: how many, and the newest sample. */
  readonly failures: Map<string, FailureCount>;
}

/** One kind of translation failure within a batch. */
export interface FailureCount {
  readonly mapping: string;
  readonly path: string;
  readonly message: string;
  count: number;
  sample: { readonly at: string; readonly request: SampledRequest; readonly legacy: { readonly status: number; readonly body: string } | null };
}

/** A failure's identity: the mapping, the field and the message (which names the bad value's kind, not the value). */
export const failureKey = (f: { mapping: string; path: string; message: string }): string => JSON.stringify([f.mapping, f.path, f.message]);

export interface BatchLimits {
  readonly samplesPerField: number;
  readonly maxFingerprints: number;
  /** A request differing on more fields than this gets no fingerprint (counted as overflow). */
  readonly maxFingerprintFields: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { samplesPerField: 5, maxFingerprints: 200, maxFingerprintFields: 100 };

/** A field's identity, the same as classify.ts's (kind, space, path). */
export const fieldId = (path: string, kind: DiffKind): string => fieldKeyOf({ path, kind });

export const fingerprintText = (fields: readonly FieldRef[]): string => JSON.stringify(fields);

export function emptyTotals(): ShadowTotals {
  return { compared: 0, noiseSampled: 0, identical: 0, dropped: 0, bodyTooLarge: 0, truncated: 0, newErrors: 0, newTimeouts: 0, compareErrors: 0, legacyErrors: 0, legacyTimeouts: 0, fingerprintOverflow: 0 };
}

export function emptyBatch(routeId: string, hour: number): RouteHourBatch {
  return { routeId, hour, totals: emptyTotals(), fields: new Map(), fingerprints: new Map(), latency: { legacy: emptyHistogram(), fresh: emptyHistogram() }, samples: new Map(), failures: new Map() };
}

/** Each field once per request, in a stable order, whatever the comparator listed. */
function distinct(differences: readonly Difference[]): FieldRef[] {
  const seen = new Map<string, FieldRef>();
  for (const d of differences) seen.set(fieldId(d.path, d.kind), [d.path, d.kind]);
  return [...seen.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function field(b: RouteHourBatch, path: string, kind: DiffKind): FieldCount {
  const id = fieldId(path, kind);
  let f = b.fields.get(id);
  if (!f) b.fields.set(id, (f = { path, kind, raw: 0, noise: 0 }));
  return f;
}

function keepSample(b: RouteHourBatch, id: string, sample: ShadowSample, limit: number): void {
  if (limit <= 0) return;
  let ring = b.samples.get(id);
  if (!ring) b.samples.set(id, (ring = []));
  ring.push(sample);
  if (ring.length > limit) ring.splice(0, ring.length - limit);
}

/** Where a copy that failed counts: the new side's total and latency, or legacy's in a reverse shadow. */
const FAILED_COPY = {
  'new-error': { total: 'newErrors', side: 'fresh' },
  'new-timeout': { total: 'newTimeouts', side: 'fresh' },
  'legacy-error': { total: 'legacyErrors', side: 'legacy' },
  'legacy-timeout': { total: 'legacyTimeouts', side: 'legacy' },
} as const satisfies Record<string, { total: keyof ShadowTotals; side: 'fresh' | 'legacy' }>;

/** Adds one outcome; returns the fields it differed on (for the caller's match/mismatch counter). */
export function addOutcome(b: RouteHourBatch, outcome: ShadowOutcome, at: Date, limits: BatchLimits): readonly FieldRef[] {
  const t = b.totals;
  switch (outcome.kind) {
    case 'dropped':
      t.dropped++;
      return [];
    case 'body-too-large':
      t.bodyTooLarge++;
      return [];
    case 'compare-error':
      t.compareErrors++;
      if (outcome.failure) {
        const f = outcome.failure;
        const key = failureKey(f);
        const sample = { at: at.toISOString(), request: f.request, legacy: f.legacy };
        const known = b.failures.get(key);
        if (known) {
          known.count++;
          known.sample = sample;
        } else b.failures.set(key, { mapping: f.mapping, path: f.path, message: f.message, count: 1, sample });
      }
      return [];
    case 'new-error':
    case 'new-timeout':
    case 'legacy-error':
    case 'legacy-timeout': {
      const { total, side } = FAILED_COPY[outcome.kind];
      t[total]++;
      observe(b.latency[side], outcome.ms);
      return [];
    }
    case 'compared':
      break;
  }
  t.compared++;
  const truncated = outcome.legacy.truncated || outcome.fresh.truncated;
  if (truncated) t.truncated++;
  observe(b.latency.legacy, outcome.legacy.ms);
  observe(b.latency.fresh, outcome.fresh.ms);
  if (outcome.noise !== null) {
    t.noiseSampled++;
    for (const [path, kind] of distinct(outcome.noise)) field(b, path, kind).noise++;
  }
  const fields = distinct(outcome.differences);
  if (fields.length === 0) {
    // What was cut off may differ: a truncated answer proves no match, so it gets no fingerprint either.
    if (!truncated) t.identical++;
    return fields;
  }
  // The outcome's own objects, not copies: the store redacts and caps when it writes.
  const sample: ShadowSample = { at: at.toISOString(), request: outcome.request, legacy: outcome.legacy, new: outcome.fresh, differences: outcome.differences };
  for (const [path, kind] of fields) {
    field(b, path, kind).raw++;
    keepSample(b, fieldId(path, kind), sample, limits.samplesPerField);
  }
  if (truncated) return fields;
  const fp = fingerprintText(fields);
  if (fields.length > limits.maxFingerprintFields || (!b.fingerprints.has(fp) && b.fingerprints.size >= limits.maxFingerprints)) t.fingerprintOverflow++;
  else b.fingerprints.set(fp, (b.fingerprints.get(fp) ?? 0) + 1);
  return fields;
}

/** Adds `from` into `into` (same route and hour): a failed flush's counts go back into the next one. */
export function mergeBatch(into: RouteHourBatch, from: RouteHourBatch, limits: BatchLimits): void {
  for (const k of TOTAL_KEYS) into.totals[k] += from.totals[k];
  for (const [id, f] of from.fields) {
    const g = into.fields.get(id);
    if (g) {
      g.raw += f.raw;
      g.noise += f.noise;
    } else into.fields.set(id, { ...f });
  }
  for (const [fp, n] of from.fingerprints) {
    if (into.fingerprints.has(fp) || into.fingerprints.size < limits.maxFingerprints) into.fingerprints.set(fp, (into.fingerprints.get(fp) ?? 0) + n);
    else into.totals.fingerprintOverflow += n;
  }
  for (const [key, f] of from.failures) {
    const g = into.failures.get(key);
    // The failed batch is older: the newer sample stays.
    if (g) g.count += f.count;
    else into.failures.set(key, { ...f });
  }
  addHistogram(into.latency.legacy, from.latency.legacy);
  addHistogram(into.latency.fresh, from.latency.fresh);
  // The failed batch is older: its samples go first so that the newest stay when the ring is full.
  for (const [id, older] of from.samples) {
    const newer = into.samples.get(id) ?? [];
    const ring = [...older, ...newer];
    into.samples.set(id, ring.slice(Math.max(0, ring.length - limits.samplesPerField)));
  }
}
