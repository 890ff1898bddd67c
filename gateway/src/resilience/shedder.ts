import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from './clock';
import type { SheddingConfig } from '../config/resilience-schema';

export type ShedReason = 'in-flight' | 'event-loop-delay';
export type ShedDecision = { readonly ok: true; readonly done: () => void } | { readonly ok: false; readonly reason: ShedReason };

/**
 * Load shedding at the door: a proxied request is refused with 503 when the gateway already has
 * too many in progress or its event loop lags, instead of being queued without bound (queued work
 * only makes every answer late). Health and metrics are answered before this check.
 */
export class LoadShedder {
  private inFlight = 0;

  constructor(private readonly eventLoopDelayMs: () => number) {}

  get active(): number {
    return this.inFlight;
  }

  admit(config: SheddingConfig): ShedDecision {
    if (this.inFlight >= config.maxInFlight) return { ok: false, reason: 'in-flight' };
    if (config.maxEventLoopDelayMs > 0 && this.eventLoopDelayMs() > config.maxEventLoopDelayMs) return { ok: false, reason: 'event-loop-delay' };
    this.inFlight += 1;
    let done = false;
    return {
      ok: true,
      done: () => {
        if (done) return;
        done = true;
        this.inFlight -= 1;
      },
    };
  }
}

/** The event-loop delay source: node's histogram, read as its 90th percentile over windows of about `windowMs`. */
export interface DelaySampler {
  read(): number;
  stop(): void;
}

/**
 * Sampled lazily when a request asks (no timer of its own keeps the process awake). The 90th
 * percentile rather than the maximum: one long garbage collection is not overload, a loop that
 * is late most of the time is.
 */
export function eventLoopDelaySampler(clock: Clock, windowMs = 1_000): DelaySampler {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let windowStart = clock();
  let last = 0;
  return {
    read() {
      const now = clock();
      if (now - windowStart >= windowMs) {
        last = histogram.count > 0 ? histogram.percentile(90) / 1e6 : 0;
        histogram.reset();
        windowStart = now;
      }
      return last;
    },
    stop: () => histogram.disable(),
  };
}
