import { z } from 'zod';

/**
 * Shadow comparison vocabulary, shared by the mirror, the comparator, the results store, the
 * report (CLI and admin API) and the flip gate. Plain JSON throughout. What is stored or sent is
 * a zod schema, the one source of its type: the store parses its rows with it and the admin
 * client parses the API's answers with it.
 */

export const DIFF_KINDS = ['changed', 'missing', 'extra', 'type', 'array-order', 'array-length'] as const;

/** How two JSON values differ at one (folded) field path. */
export const DiffKindSchema = z.enum(DIFF_KINDS);
export type DiffKind = z.infer<typeof DiffKindSchema>;

/**
 * One difference. `path` is folded: array indexes become `[*]` and map-like keys (ids) `{*}`, so
 * that the same field in fifty items counts as one field. `status` and `header:<name>` are paths
 * too. Missing: in legacy's answer, not in new's; extra: the other way round.
 */
export const DifferenceSchema = z.object({ path: z.string(), kind: DiffKindSchema }).readonly();
export type Difference = z.infer<typeof DifferenceSchema>;

const headerMap = z.record(z.string(), z.string()).readonly();

/** What one comparison is given: both answers, already read (bodies capped) and translated to one model. */
export const ComparedAnswerSchema = z
  .object({
    status: z.number().int(),
    headers: headerMap,
    /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
    body: z.unknown(),
    truncated: z.boolean(),
    ms: z.number(),
  })
  .readonly();
export type ComparedAnswer = z.infer<typeof ComparedAnswerSchema>;

/** A mirrored request, as stored in samples (secrets in headers redacted). */
export const SampledRequestSchema = z.object({ method: z.string(), path: z.string(), headers: headerMap }).readonly();
export type SampledRequest = z.infer<typeof SampledRequestSchema>;

/** A sample stored before the report said `new` called that side `fresh`: still readable. */
function renameFresh(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !('fresh' in v) || 'new' in v) return v;
  const { fresh, ...rest } = v as Record<string, unknown>;
  return { ...rest, new: fresh };
}

/** One request that differed, as stored (redacted, capped) and as the report shows it: `legacy` and `new`, as the text report says. */
export const ShadowSampleSchema = z.preprocess(
  renameFresh,
  z
    .object({
      at: z.string(),
      request: SampledRequestSchema,
      legacy: ComparedAnswerSchema,
      new: ComparedAnswerSchema,
      differences: z.array(DifferenceSchema).readonly(),
    })
    .readonly(),
);
export type ShadowSample = z.infer<typeof ShadowSampleSchema>;

/** The outcome of one shadowed request, as the recorder aggregates it. */
export type ShadowOutcome =
  | {
      readonly kind: 'compared';
      readonly routeId: string;
      readonly request: SampledRequest;
      readonly legacy: ComparedAnswer;
      readonly fresh: ComparedAnswer;
      /** Differences legacy → new. */
      readonly differences: readonly Difference[];
      /** Differences legacy → legacy (second call), when this request was sampled for noise. */
      readonly noise: readonly Difference[] | null;
    }
  | { readonly kind: 'new-error' | 'new-timeout'; readonly routeId: string; readonly ms: number; readonly detail: string }
  /** Reverse shadow (mode new): the copy to legacy failed; never counted against the new side. */
  | { readonly kind: 'legacy-error' | 'legacy-timeout'; readonly routeId: string; readonly ms: number; readonly detail: string }
  | { readonly kind: 'dropped' | 'body-too-large'; readonly routeId: string; readonly detail?: string }
  /** An answer could not be brought to the new model; `failure` says which mapping, field and request when a mapping refused it. */
  | { readonly kind: 'compare-error'; readonly routeId: string; readonly detail?: string; readonly failure?: CompareFailure };

/** A mapping that refused an answer during a comparison: the mapping, the first field it named, and a sample. */
export interface CompareFailure {
  readonly mapping: string;
  readonly path: string;
  readonly message: string;
  readonly request: SampledRequest;
  /** Legacy's answer as it came (status and capped text), null when it was not the one refused. */
  readonly legacy: { readonly status: number; readonly body: string } | null;
}

/** Thresholds that make a field a real difference rather than noise (Diffy's rule). */
export interface NoiseThresholds {
  /** (raw − noise) / max(raw, noise) must exceed this; default 0.2. */
  readonly relative: number;
  /** (raw − noise) / compared must exceed this; default 0.0003 (0.03%). */
  readonly absolute: number;
}

/** Per field in the report. Rates are per compared request (noise per noise-sampled request). */
export const FieldReportSchema = z
  .object({
    path: z.string(),
    kind: DiffKindSchema,
    /** Requests where legacy and new differed here. */
    raw: z.number(),
    /** Requests where two legacy answers differed here (among those sampled for noise). */
    noise: z.number(),
    rawRate: z.number(),
    noiseRate: z.number(),
    /** True when this field differs legacy → new clearly more often than legacy → legacy. */
    real: z.boolean(),
    samples: z.array(ShadowSampleSchema).readonly(),
  })
  .readonly();
export type FieldReport = z.infer<typeof FieldReportSchema>;

export const LatencySummarySchema = z.object({ count: z.number(), meanMs: z.number(), p50Ms: z.number(), p99Ms: z.number() }).readonly();
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/**
 * A stored row the report could not read (written by another version, or damaged): left out of
 * the numbers and named here, so that a report is never silently short.
 */
export const UnreadableRowSchema = z
  .object({
    table: z.string(),
    /** Which row: its key columns, e.g. `route_id=products hour=493123 side=fresh`. */
    row: z.string(),
    /** The JSON path of the bad field, from the column name on (`sample.legacy.status`). */
    field: z.string(),
    message: z.string(),
  })
  .readonly();
export type UnreadableRow = z.infer<typeof UnreadableRowSchema>;

const rate = z.number().nullable();

/** One kind of translation failure in the report: which mapping refused which field, how often, and the newest request it happened to. */
export const CompareFailureSampleSchema = z.object({ at: z.string(), request: SampledRequestSchema, legacy: z.object({ status: z.number(), body: z.string() }).nullable() }).readonly();

export const CompareFailureReportSchema = z
  .object({
    mapping: z.string(),
    path: z.string(),
    message: z.string(),
    count: z.number(),
    sample: CompareFailureSampleSchema,
  })
  .readonly();
export type CompareFailureReport = z.infer<typeof CompareFailureReportSchema>;

export const RouteShadowReportSchema = z
  .object({
    routeId: z.string(),
    since: z.string(),
    /** Requests both sides answered and that were compared. */
    compared: z.number(),
    /** Compared requests whose only differences (if any) are noise. */
    matches: z.number(),
    matchRate: rate,
    /** Requests sampled for a second legacy call. */
    noiseSampled: z.number(),
    dropped: z.number(),
    bodyTooLarge: z.number(),
    truncated: z.number(),
    newErrors: z.number(),
    newTimeouts: z.number(),
    compareErrors: z.number(),
    /** Reverse shadow only: copies to legacy that failed or ran out of time (not in the new error rate). */
    legacyErrors: z.number(),
    legacyTimeouts: z.number(),
    /** (newErrors + newTimeouts) / (compared + newErrors + newTimeouts). */
    newErrorRate: rate,
    latency: z.object({ legacy: LatencySummarySchema, new: LatencySummarySchema }).readonly(),
    fields: z.array(FieldReportSchema).readonly(),
    /** Answers a mapping could not translate (part of compareErrors), by mapping, field and message, each with its newest sample. */
    compareFailures: z.array(z.lazy(() => CompareFailureReportSchema)).readonly().optional(),
    /** Present only when some of the route's stored rows could not be read and were left out. */
    unreadable: z.array(UnreadableRowSchema).readonly().optional(),
  })
  .readonly();
export type RouteShadowReport = z.infer<typeof RouteShadowReportSchema>;

/** What the flip gate needs of a route's shadow record, and its verdict. */
export interface GateThresholds {
  readonly minCompared: number;
  readonly minMatchRate: number;
  readonly maxNewErrorRate: number;
}
