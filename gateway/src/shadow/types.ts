/**
 * Shadow comparison vocabulary, shared by the mirror, the comparator, the results store, the
 * report (CLI and admin API) and the flip gate. Plain JSON throughout.
 */

/** How two JSON values differ at one (folded) field path. */
export type DiffKind = 'changed' | 'missing' | 'extra' | 'type' | 'array-order' | 'array-length';

/**
 * One difference. `path` is folded: array indexes become `[*]` and map-like keys (ids) `{*}`, so
 * that the same field in fifty items counts as one field. `status` and `header:<name>` are paths
 * too. Missing: in legacy's answer, not in new's; extra: the other way round.
 */
export interface Difference {
  readonly path: string;
  readonly kind: DiffKind;
}

/** What one comparison is given: both answers, already read (bodies capped) and translated to one model. */
export interface ComparedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
  readonly body: unknown;
  readonly truncated: boolean;
  readonly ms: number;
}

/** A mirrored request, as stored in samples (secrets in headers redacted). */
export interface SampledRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

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
  | { readonly kind: 'dropped' | 'body-too-large' | 'compare-error'; readonly routeId: string; readonly detail?: string };

/** Thresholds that make a field a real difference rather than noise (Diffy's rule). */
export interface NoiseThresholds {
  /** (raw − noise) / max(raw, noise) must exceed this; default 0.2. */
  readonly relative: number;
  /** (raw − noise) / compared must exceed this; default 0.0003 (0.03%). */
  readonly absolute: number;
}

/** Per field in the report. Rates are per compared request (noise per noise-sampled request). */
export interface FieldReport {
  readonly path: string;
  readonly kind: DiffKind;
  /** Requests where legacy and new differed here. */
  readonly raw: number;
  /** Requests where two legacy answers differed here (among those sampled for noise). */
  readonly noise: number;
  readonly rawRate: number;
  readonly noiseRate: number;
  /** True when this field differs legacy → new clearly more often than legacy → legacy. */
  readonly real: boolean;
  readonly samples: readonly ShadowSample[];
}

export interface ShadowSample {
  readonly at: string;
  readonly request: SampledRequest;
  readonly legacy: ComparedAnswer;
  readonly fresh: ComparedAnswer;
  readonly differences: readonly Difference[];
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface RouteShadowReport {
  readonly routeId: string;
  readonly since: string;
  /** Requests both sides answered and that were compared. */
  readonly compared: number;
  /** Compared requests whose only differences (if any) are noise. */
  readonly matches: number;
  readonly matchRate: number | null;
  /** Requests sampled for a second legacy call. */
  readonly noiseSampled: number;
  readonly dropped: number;
  readonly bodyTooLarge: number;
  readonly truncated: number;
  readonly newErrors: number;
  readonly newTimeouts: number;
  readonly compareErrors: number;
  /** Reverse shadow only: copies to legacy that failed or ran out of time (not in the new error rate). */
  readonly legacyErrors: number;
  readonly legacyTimeouts: number;
  /** (newErrors + newTimeouts) / (compared + newErrors + newTimeouts). */
  readonly newErrorRate: number | null;
  readonly latency: { readonly legacy: LatencySummary; readonly fresh: LatencySummary };
  readonly fields: readonly FieldReport[];
}

/** What the flip gate needs of a route's shadow record, and its verdict. */
export interface GateThresholds {
  readonly minCompared: number;
  readonly minMatchRate: number;
  readonly maxNewErrorRate: number;
}
