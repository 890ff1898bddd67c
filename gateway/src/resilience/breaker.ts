import { CircuitState, ConsecutiveBreaker, CountBreaker } from 'cockatiel';
import type { Clock } from './clock';
import type { BreakerConfig } from '../config/resilience-schema';

export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** One admitted call; exactly one of its methods counts, later calls are ignored. */
export interface Permit {
  success(): void;
  failure(): void;
  /** Neither: the call ended without telling anything about the upstream (the client left). */
  release(): void;
}

export type Admission = { readonly ok: true; readonly permit: Permit } | { readonly ok: false; readonly retryAfterMs: number };

/** What /metrics and `routes explain` show of a circuit. */
export interface CircuitView {
  readonly upstream: string;
  readonly state: CircuitStateName;
  /** While open: time until probes are let through. */
  readonly retryAfterMs?: number;
}

/** While half-open with every probe slot taken, callers are told to come back after this long. */
const HALF_OPEN_BUSY_MS = 1_000;

/**
 * A circuit breaker per upstream. When to trip is cockatiel's (ConsecutiveBreaker for failures
 * in a row, CountBreaker for a failure rate over the last N calls, both clock-free); the
 * closed → open → half-open → closed machine is written here because cockatiel's
 * CircuitBreakerPolicy reads Date.now (tests inject a clock instead), lets a single test call
 * through when half-open (we let a few) and wraps the call in a promise, while the gateway must
 * admit a request before it is sent and judge it when its answer arrives.
 */
export class Breaker {
  private current: CircuitStateName = 'closed';
  private openedAt = 0;
  private probes = 0;
  /** Bumped on every transition, so that a call admitted in an earlier state cannot decide this one. */
  private generation = 0;
  private consecutive: ConsecutiveBreaker;
  private rate: CountBreaker;

  constructor(
    readonly upstream: string,
    private readonly config: BreakerConfig,
    private readonly clock: Clock,
    private readonly onChange: (state: CircuitStateName) => void = () => undefined,
  ) {
    this.consecutive = new ConsecutiveBreaker(config.consecutiveFailures);
    this.rate = new CountBreaker({ threshold: config.failureRate, size: config.window, minimumNumberOfCalls: Math.min(config.minimumCalls, config.window) });
  }

  get state(): CircuitStateName {
    if (this.current === 'open' && this.clock() - this.openedAt >= this.config.openMs) this.transition('half-open');
    return this.current;
  }

  view(): CircuitView {
    const state = this.state;
    return state === 'open' ? { upstream: this.upstream, state, retryAfterMs: this.remainingOpenMs() } : { upstream: this.upstream, state };
  }

  /** Lets a call through, or says how long until one would be. */
  admit(): Admission {
    if (!this.config.enabled) return { ok: true, permit: NO_OP };
    const state = this.state;
    if (state === 'open') return { ok: false, retryAfterMs: this.remainingOpenMs() };
    if (state === 'half-open') {
      if (this.probes >= this.config.halfOpenProbes) return { ok: false, retryAfterMs: HALF_OPEN_BUSY_MS };
      this.probes += 1;
      return { ok: true, permit: this.permit(true) };
    }
    return { ok: true, permit: this.permit(false) };
  }

  private permit(probe: boolean): Permit {
    const generation = this.generation;
    let done = false;
    const once = (outcome: 'success' | 'failure' | 'release') => {
      if (done) return;
      done = true;
      if (generation !== this.generation) return;
      if (probe) this.probes -= 1;
      if (outcome === 'success') this.succeeded(probe);
      else if (outcome === 'failure') this.failed(probe);
    };
    return { success: () => once('success'), failure: () => once('failure'), release: () => once('release') };
  }

  private succeeded(probe: boolean): void {
    if (probe) return this.transition('closed');
    this.consecutive.success();
    this.rate.success(CircuitState.Closed);
  }

  private failed(probe: boolean): void {
    if (probe) return this.transition('open');
    // Both are told (no short-circuit): each keeps its own count.
    const inARow = this.consecutive.failure();
    const byRate = this.rate.failure(CircuitState.Closed);
    if (inARow || byRate) this.transition('open');
  }

  private transition(to: CircuitStateName): void {
    this.current = to;
    this.generation += 1;
    this.probes = 0;
    if (to === 'open') this.openedAt = this.clock();
    if (to === 'closed') {
      this.consecutive = new ConsecutiveBreaker(this.config.consecutiveFailures);
      this.rate = new CountBreaker({ threshold: this.config.failureRate, size: this.config.window, minimumNumberOfCalls: Math.min(this.config.minimumCalls, this.config.window) });
    }
    this.onChange(to);
  }

  private remainingOpenMs(): number {
    return Math.max(0, this.config.openMs - (this.clock() - this.openedAt));
  }
}

const NO_OP: Permit = { success: () => undefined, failure: () => undefined, release: () => undefined };
