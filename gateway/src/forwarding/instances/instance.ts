import type { Dispatcher } from 'undici';
import type { CompiledInstance } from '../../config/table';
import type { OutlierConfig } from '../../config/instances-schema';
import type { UpstreamOrigin } from '../../config/upstream-url';

/** How fast a remembered latency fades while no answer comes (its time constant). */
const IDLE_DECAY_MS = 10_000;
/** The weight of each new answer in the latency average. */
const ALPHA = 0.25;

/** What an instance is, for picking and for reports. */
export type InstanceState = 'healthy' | 'ejected' | 'trial' | 'unhealthy' | 'draining';

/** What one finished request says about the instance that answered it. */
export type Verdict = 'success' | 'failure' | 'neutral';

/** An instance as `routes explain`, the admin API and /metrics show it. */
export interface InstanceView {
  readonly upstream: string;
  readonly instance: string;
  readonly state: InstanceState;
  readonly inFlight: number;
  readonly ejections: number;
  /** Why it is in that state, when it is not healthy. */
  readonly why?: string;
}

/**
 * One origin serving an upstream, with its own keep-alive pool, what it is busy with, and what
 * the gateway has learned about it: passively, from the requests it answered (failures in a row
 * eject it for a growing time, after which one trial request decides), and actively, from health
 * probes when the upstream declares them. A draining instance (removed from the table or from DNS)
 * finishes what it has and takes nothing new.
 */
export class Instance {
  inFlight = 0;
  ejections = 0;
  private failuresInARow = 0;
  private ejectedUntil = 0;
  private trialInFlight = false;
  private probedHealthy = true;
  private why = '';
  draining = false;
  /** Recent latency (ms): a moving average that jumps up to a slower answer and fades while idle. */
  private latencyMs = 0;
  private latencyAt = 0;
  private measured = false;

  constructor(
    readonly key: string,
    readonly origin: UpstreamOrigin,
    public weight: number,
    readonly pool: Dispatcher,
  ) {}

  static of(compiled: CompiledInstance, pool: Dispatcher): Instance {
    return new Instance(compiled.key, compiled.origin, compiled.weight, pool);
  }

  state(now: number): InstanceState {
    if (this.draining) return 'draining';
    if (this.ejectedUntil > 0) return now < this.ejectedUntil ? 'ejected' : 'trial';
    return this.probedHealthy ? 'healthy' : 'unhealthy';
  }

  /** May take a request now: healthy, or due for its one trial request. */
  available(now: number): boolean {
    const state = this.state(now);
    return state === 'healthy' || (state === 'trial' && !this.trialInFlight);
  }

  /** A request goes to this instance. */
  started(now: number): void {
    this.inFlight += 1;
    if (this.state(now) === 'trial') this.trialInFlight = true;
  }

  /**
   * A request it took has ended. Returns what changed for the log: `ejected` (with the reason and
   * for how long), `returned` (its trial succeeded), or null.
   */
  finished(verdict: Verdict, now: number, outlier: OutlierConfig, mayEject: () => boolean): { readonly change: 'ejected' | 'returned'; readonly forMs?: number } | null {
    this.inFlight -= 1;
    const trial = this.trialInFlight;
    this.trialInFlight = false;
    if (verdict === 'neutral') return null;
    if (verdict === 'success') {
      this.failuresInARow = 0;
      if (!trial) return null;
      this.ejectedUntil = 0;
      this.why = '';
      return { change: 'returned' };
    }
    this.failuresInARow += 1;
    if (!trial && (this.failuresInARow < outlier.consecutiveFailures || this.ejectedUntil > 0 || !mayEject())) return null;
    this.ejections += 1;
    const forMs = Math.min(outlier.baseEjectionMs * this.ejections, outlier.maxEjectionMs);
    this.ejectedUntil = now + forMs;
    this.why = trial ? 'its trial request failed' : `${this.failuresInARow} failures in a row`;
    this.failuresInARow = 0;
    return { change: 'ejected', forMs };
  }

  /**
   * Folds one answer's latency into the average, each answer weighing `ALPHA`: a busy instance's
   * one slow answer (a pause of the host, a collection) is forgotten within a few answers, while
   * an instance that is slow every time stays slow. (A peak EWMA decaying by time, as Finagle's,
   * kept one 30 ms hiccup of the busy fast instance for seconds, and sent 6% of the traffic to the
   * slow one meanwhile.)
   */
  observed(ms: number, now: number): void {
    const current = this.recentLatency(now);
    this.latencyMs = this.measured ? current + ALPHA * (ms - current) : ms;
    this.measured = true;
    this.latencyAt = now;
  }

  /**
   * Recent latency, fading toward zero while no answer comes: an instance that was slow and so got
   * no traffic is tried again after a while, rather than never.
   */
  recentLatency(now: number): number {
    return this.latencyMs * Math.exp(-Math.max(0, now - this.latencyAt) / IDLE_DECAY_MS);
  }

  /** An active probe's result, counted against the thresholds; true when the health state changed. */
  probed(healthy: boolean, why: string): boolean {
    if (healthy === this.probedHealthy) return false;
    this.probedHealthy = healthy;
    if (this.ejectedUntil === 0) this.why = healthy ? '' : why;
    return true;
  }

  view(upstream: string, now: number): InstanceView {
    const state = this.state(now);
    const base = { upstream, instance: this.key, state, inFlight: this.inFlight, ejections: this.ejections };
    return state === 'healthy' || this.why === '' ? base : { ...base, why: this.why };
  }
}
