import type { Histogram } from '../../shadow/latency';

/** A step's shadow traffic: what was compared and matched, and what new failed, since the step began. */
export interface ShadowEvidence {
  readonly compared: number;
  readonly matches: number;
  /** New-side errors and timeouts of shadowed requests. */
  readonly newFailures: number;
}

/** One side's answers in a canary step: all of them, the failed ones (5xx, timeouts, abandoned, rescued by fallback), and their latency. */
export interface SideEvidence {
  readonly requests: number;
  readonly failures: number;
  readonly latency: Histogram;
}

export interface CanaryEvidence {
  readonly fresh: SideEvidence;
  readonly legacy: SideEvidence;
}

/** The last verify of the data context the route depends on, or null when none was recorded. */
export interface DataEvidence {
  readonly context: string;
  readonly maxAgeMs: number;
  readonly last: { readonly at: Date; readonly clean: boolean; readonly summary: string } | null;
}
