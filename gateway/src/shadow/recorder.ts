import { DEFAULT_BATCH_LIMITS, HOUR_MS, addOutcome, emptyBatch, fieldId, mergeBatch, type BatchLimits, type RouteHourBatch } from './batch';
import type { ShadowStore } from './results-store';
import type { ShadowOutcome } from './types';
import type { ShadowResult } from '../observability/metrics';

/** The metrics the recorder feeds (GatewayMetrics has it). */
export interface ShadowMetrics {
  shadow(routeId: string, result: ShadowResult): void;
}

/** What the recorder needs of the results store. */
export type ShadowSink = Pick<ShadowStore, 'add' | 'verdicts'>;

export interface ShadowRecorderOptions {
  readonly store: ShadowSink;
  readonly metrics?: ShadowMetrics;
  readonly clock?: () => Date;
  /** Default 2 s. */
  readonly flushEveryMs?: number;
  /** How often the field verdicts behind the match counter are read again; default 10 s. */
  readonly refreshEveryMs?: number;
  /** The window those verdicts are judged on; default 24 h. */
  readonly verdictWindowMs?: number;
  readonly limits?: Partial<BatchLimits>;
  /** Told when a flush or a refresh fails (the counts are kept for the next flush). */
  readonly onError?: (what: 'flush' | 'refresh', error: unknown) => void;
}

const RESULT: Readonly<Record<Exclude<ShadowOutcome['kind'], 'compared'>, ShadowResult>> = {
  'new-error': 'new_error',
  'new-timeout': 'new_timeout',
  'legacy-error': 'legacy_error',
  'legacy-timeout': 'legacy_timeout',
  dropped: 'dropped',
  'body-too-large': 'body_too_large',
  'compare-error': 'compare_error',
};

/**
 * Aggregates shadow outcomes in memory on the event loop (a few map updates per request) and adds
 * them to the results store every couple of seconds, so the database sees one transaction per
 * flush rather than one write per request. A failed flush keeps its counts for the next one.
 */
export class ShadowRecorder {
  private pending = new Map<string, RouteHourBatch>();
  /** route → fieldId → real; a field not listed yet counts as real (no evidence that it is noise). */
  private verdicts = new Map<string, Map<string, boolean>>();
  private readonly limits: BatchLimits;
  private readonly clock: () => Date;
  private flushTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: ShadowRecorderOptions) {
    this.limits = { ...DEFAULT_BATCH_LIMITS, ...options.limits };
    this.clock = options.clock ?? (() => new Date());
  }

  /** Starts the flush and refresh timers (unref'd: they never keep a process alive). */
  start(): void {
    if (this.flushTimer) return;
    this.stopped = false;
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? 2_000);
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.refreshEveryMs ?? 10_000);
    this.flushTimer.unref();
    this.refreshTimer.unref();
    void this.refresh();
  }

  /** Never throws: a recording problem must not reach the request that produced it. */
  record(outcome: ShadowOutcome): void {
    try {
      const now = this.clock();
      const hour = Math.floor(now.getTime() / HOUR_MS);
      const key = `${hour}\u0000${outcome.routeId}`;
      let batch = this.pending.get(key);
      if (!batch) this.pending.set(key, (batch = emptyBatch(outcome.routeId, hour)));
      const fields = addOutcome(batch, outcome, now, this.limits);
      const metrics = this.options.metrics;
      if (!metrics) return;
      if (outcome.kind !== 'compared') return metrics.shadow(outcome.routeId, RESULT[outcome.kind]);
      const known = this.verdicts.get(outcome.routeId);
      const truncated = outcome.legacy.truncated || outcome.fresh.truncated;
      const real = truncated || fields.some(([path, kind]) => known?.get(fieldId(path, kind)) ?? true);
      metrics.shadow(outcome.routeId, real ? 'mismatch' : 'match');
    } catch {
      // Counting is best effort; the mirror has already answered the client.
    }
  }

  /** Adds everything recorded so far to the store; concurrent calls share one flush. Never throws. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.size === 0) return Promise.resolve();
    const batches = this.pending;
    this.pending = new Map();
    this.flushing = this.options.store
      .add([...batches.values()])
      .catch((e: unknown) => {
        // Put the counts back under anything recorded meanwhile, so nothing is lost or counted twice.
        for (const [key, failed] of batches) {
          const newer = this.pending.get(key);
          if (newer) mergeBatch(newer, failed, this.limits);
          else this.pending.set(key, failed);
        }
        this.options.onError?.('flush', e);
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Reads the field verdicts again; on failure the previous ones stay. */
  async refresh(): Promise<void> {
    // After stop() the store may already be closed by its owner.
    if (this.stopped) return;
    try {
      const since = new Date(this.clock().getTime() - (this.options.verdictWindowMs ?? 24 * HOUR_MS));
      this.verdicts = await this.options.store.verdicts(since);
    } catch (e) {
      this.options.onError?.('refresh', e);
    }
  }

  /** Stops the timers and flushes what is left (once; a failure is reported through onError). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.flushTimer);
    clearInterval(this.refreshTimer);
    this.flushTimer = undefined;
    this.refreshTimer = undefined;
    await this.flush();
  }

  /** Outcomes recorded and not yet in the store, per route (for tests and the ops endpoint). */
  pendingCompared(routeId: string): number {
    let n = 0;
    for (const b of this.pending.values()) if (b.routeId === routeId) n += b.totals.compared;
    return n;
  }
}
