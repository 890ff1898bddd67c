import type { Dispatcher } from 'undici';
import type { CompiledInstance, CompiledUpstream } from '../../config/table';
import type { UpstreamOrigin } from '../../config/upstream-url';
import type { Clock, Random } from '../../resilience/clock';
import { pickLeast, pickP2C, RoundRobin } from './balancer';
import { Instance, type InstanceView, type Verdict } from './instance';

export interface InstanceSetDeps {
  readonly clock: Clock;
  readonly random: Random;
  /** A keep-alive pool to one origin, sized from the upstream's settings. */
  readonly poolFor: (upstream: CompiledUpstream, origin: UpstreamOrigin) => Dispatcher;
  /** One log line: an ejection, a return, a health change, an instance added or drained. */
  readonly log: (message: string, fields: object) => void;
  /** Counts a try sent to an instance (on /metrics). */
  readonly counted: (upstream: string, instance: string) => void;
}

/**
 * An upstream's instances and the choice among them. A try goes to an available instance (healthy,
 * or due for its trial), never the one a retry just failed on when another can take it; when none
 * is available, every instance is tried (panic mode: an upstream that looks wholly down may well
 * be fine, and a 503 from the gateway would help nobody). Instances added by a reload or DNS join
 * at once; removed ones drain.
 */
export class InstanceSet {
  private instances: Instance[] = [];
  private readonly rr = new RoundRobin();

  constructor(
    readonly upstream: CompiledUpstream,
    private readonly deps: InstanceSetDeps,
  ) {
    this.update(upstream.instances);
  }

  /** The instance for the next try, or null when none is known yet (discovery has not answered). */
  pick(avoid: Instance | null): Instance | null {
    const all = this.instances;
    // One instance is the common case: it answers whatever its health, as panic mode would decide anyway.
    if (all.length === 1) return (all[0] as Instance).draining ? null : (all[0] as Instance);
    const now = this.deps.clock();
    // Usually every instance is available and none is to be avoided: no list is made then.
    let candidates: readonly Instance[] = all;
    if (avoid !== null || !everyAvailable(all, now)) {
      candidates = all.filter((i) => i !== avoid && i.available(now));
      if (candidates.length === 0) candidates = all.filter((i) => i.available(now));
      if (candidates.length === 0) candidates = all.filter((i) => !i.draining);
      if (candidates.length === 0) return null;
    }
    switch (this.upstream.config.loadBalancing) {
      case 'round-robin':
        return this.rr.pick(candidates);
      case 'least-request':
        return pickLeast(candidates);
      default:
        return pickP2C(candidates, this.deps.random, now);
    }
  }

  started(instance: Instance): void {
    instance.started(this.deps.clock());
    this.deps.counted(this.upstream.name, instance.key);
  }

  /** A request the instance took has ended: its verdict feeds the outlier detection, its latency the balancing. */
  finished(instance: Instance, verdict: Verdict, latencyMs: number | null = null): void {
    const now = this.deps.clock();
    if (latencyMs !== null && verdict !== 'neutral') instance.observed(latencyMs, now);
    const change = instance.finished(verdict, now, this.upstream.config.outlier, () => this.mayEjectAnother(now));
    if (change?.change === 'ejected') this.deps.log('instance ejected', { upstream: this.upstream.name, instance: instance.key, forMs: change.forMs, ejections: instance.ejections, why: instance.view(this.upstream.name, now).why });
    if (change?.change === 'returned') this.deps.log('instance returned', { upstream: this.upstream.name, instance: instance.key });
    if (instance.draining && instance.inFlight === 0) this.remove(instance);
  }

  /** Replaces the instance list: kept ones keep their pool and what was learned, new ones join, missing ones drain. */
  update(next: readonly CompiledInstance[]): void {
    const byKey = new Map(this.instances.map((i) => [i.key, i]));
    const kept: Instance[] = [];
    for (const compiled of next) {
      const existing = byKey.get(compiled.key);
      byKey.delete(compiled.key);
      if (existing && !existing.draining) {
        existing.weight = compiled.weight;
        kept.push(existing);
      } else {
        kept.push(Instance.of(compiled, this.deps.poolFor(this.upstream, compiled.origin)));
        if (this.instances.length > 0) this.deps.log('instance added', { upstream: this.upstream.name, instance: compiled.key });
      }
    }
    for (const gone of byKey.values()) this.drain(gone);
    // Draining instances stay listed (they finish their requests) but are never picked.
    this.instances = [...kept, ...[...byKey.values()].filter((i) => i.inFlight > 0)];
  }

  list(): readonly Instance[] {
    return this.instances;
  }

  views(): InstanceView[] {
    const now = this.deps.clock();
    return this.instances.map((i) => i.view(this.upstream.name, now));
  }

  /** Every instance drains: the set is being replaced or its upstream left the table. */
  close(): void {
    for (const instance of [...this.instances]) this.drain(instance);
  }

  private mayEjectAnother(now: number): boolean {
    const ejected = this.instances.filter((i) => i.state(now) === 'ejected' || i.state(now) === 'trial').length;
    return ejected + 1 <= Math.floor((this.upstream.config.outlier.maxEjectedPercent / 100) * this.instances.length);
  }

  private drain(instance: Instance): void {
    if (!instance.draining) this.deps.log('instance draining', { upstream: this.upstream.name, instance: instance.key, inFlight: instance.inFlight });
    instance.draining = true;
    if (instance.inFlight === 0) this.remove(instance);
  }

  private remove(instance: Instance): void {
    this.instances = this.instances.filter((i) => i !== instance);
    this.rr.forget(instance);
    void instance.pool.close().catch(() => undefined);
  }
}

function everyAvailable(instances: readonly Instance[], now: number): boolean {
  for (const i of instances) if (!i.available(now)) return false;
  return true;
}
