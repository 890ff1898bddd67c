import type { CompiledFallback } from '../config/policy';
import type { CompiledRoute, CompiledTarget, CompiledUpstream, RouteTable } from '../config/table';
import type { TargetPolicy } from '../config/policy';
import type { Responder } from '../pipeline/exchange';
import type { Clock, Random } from '../resilience/clock';
import type { ResilienceEvents } from '../resilience/events';
import type { ResilienceRegistry } from '../resilience/registry';
import { tryOnce } from './attempt';
import { BreakerPolicy } from './policies/breaker';
import { BulkheadPolicy } from './policies/bulkhead';
import { DeadlinePolicy } from './policies/deadline';
import { FallbackPolicy } from './policies/fallback';
import { RetryPolicy } from './policies/retry';
import { wrap, type Call, type Policy, type TargetPlan } from './policy';
import type { UpstreamInstances } from './instances/upstream-instances';
import { streamResponder } from './stream';

export interface PlanDeps {
  /** Every upstream's instances, kept across tables. */
  readonly instances: UpstreamInstances;
  /** Breakers, budgets and bulkheads, which outlive tables. */
  readonly registry: ResilienceRegistry;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: ResilienceEvents;
  /** The target's own responder: streamed, or translated by its response mapping. */
  readonly responderFor: (target: CompiledTarget) => Responder;
  /** Counts a request sent to an upstream for a route. */
  readonly sent: (call: Call) => void;
}

/**
 * The plans of the targets in service: for each route target, its pool, its responder and the
 * policies around a try, composed once (cockatiel's `wrap`) rather than per request. Kept by
 * target: a flip lays a new mode over the same targets, so their plans live as long as the table
 * file they were compiled from.
 */
export class Plans {
  private readonly byTarget = new WeakMap<CompiledTarget, TargetPlan>();
  private readonly byFallback = new WeakMap<CompiledFallback, TargetPlan>();

  constructor(private readonly deps: PlanDeps) {}

  /** Builds the plans of a table about to be served, so that no request builds one. */
  prepare(table: RouteTable): void {
    for (const route of table.routes) {
      if (route.legacy) this.of(route, route.legacy);
      if (route.new) this.of(route, route.new);
    }
  }

  of(route: CompiledRoute, target: CompiledTarget): TargetPlan {
    let plan = this.byTarget.get(target);
    if (!plan) this.byTarget.set(target, (plan = this.build(route, target)));
    return plan;
  }

  private build(route: CompiledRoute, target: CompiledTarget): TargetPlan {
    const policies: Policy[] = [];
    if (route.fallback !== null || route.config.fallbackToLegacy) {
      const deps = { planFor: (t: CompiledTarget) => this.of(route, t), sent: this.deps.sent, events: this.deps.events };
      policies.push(new FallbackPolicy(route.id, route.fallback, this.fallbackPlan(route), deps));
    }
    return this.plan(route.id, target.upstream, target.policy, this.deps.responderFor(target), policies);
  }

  /** An upstream fallback's plan: its own policies, no fallback of its own. */
  private fallbackPlan(route: CompiledRoute): TargetPlan | null {
    const own = route.fallback;
    if (own?.kind !== 'upstream') return null;
    let plan = this.byFallback.get(own);
    if (!plan) this.byFallback.set(own, (plan = this.plan(route.id, own.upstream, own.policy, streamResponder, [])));
    return plan;
  }

  private plan(routeId: string, upstream: CompiledUpstream, policy: TargetPolicy, respond: Responder, outer: Policy[]): TargetPlan {
    const { registry, clock, random, events } = this.deps;
    const own = registry.upstream(upstream);
    const policies = [...outer, new DeadlinePolicy(policy.deadlineMs, clock, events)];
    if (policy.routeBulkhead) policies.push(new BulkheadPolicy(registry.route(routeId, policy.routeBulkhead), routeId, clock, events));
    policies.push(
      new BulkheadPolicy(own.bulkhead, upstream.name, clock, events),
      new BreakerPolicy(own.breaker, upstream.config.breaker.failureStatuses, events),
      new RetryPolicy(policy, own.budget, clock, random, events),
    );
    return { routeId, upstream, instances: this.deps.instances.of(upstream), policy, respond, run: wrap(policies, tryOnce(clock)) };
  }
}
