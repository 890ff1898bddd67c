import type { CompiledUpstream, RouteTable } from '../config/table';
import { Breaker, type CircuitStateName, type CircuitView } from './breaker';
import { Bulkhead } from './bulkhead';
import type { Clock } from './clock';
import { RetryBudget } from './retry-budget';
import type { BulkheadConfig } from '../config/resilience-schema';

/** The stateful policies of one upstream. */
export interface UpstreamPolicies {
  readonly breaker: Breaker;
  readonly budget: RetryBudget;
  readonly bulkhead: Bulkhead;
}

interface Keyed<T> {
  readonly key: string;
  readonly value: T;
}

/**
 * Owns every stateful policy, keyed by upstream name (and route id for route bulkheads), so that
 * they outlive route tables: a hot reload or a route flip swaps the table, and an open circuit,
 * a spent budget or the requests holding bulkhead slots must not be forgotten by it. A policy is
 * rebuilt only when its own settings change; policies of names gone from the table are dropped.
 */
export class ResilienceRegistry {
  private readonly breakers = new Map<string, Keyed<Breaker>>();
  private readonly budgets = new Map<string, Keyed<RetryBudget>>();
  private readonly bulkheads = new Map<string, Keyed<Bulkhead>>();
  private readonly routeBulkheads = new Map<string, Keyed<Bulkhead>>();

  constructor(
    private readonly clock: Clock,
    private readonly onCircuit: (upstream: string, state: CircuitStateName) => void = () => undefined,
  ) {}

  upstream(u: CompiledUpstream): UpstreamPolicies {
    const { breaker, retry, bulkhead } = u.config;
    return {
      breaker: cached(this.breakers, u.name, breaker, () => new Breaker(u.name, breaker, this.clock, (s) => this.onCircuit(u.name, s))),
      budget: cached(this.budgets, u.name, retry, () => new RetryBudget(retry.budgetPercent, retry.minRetriesPerSecond, this.clock)),
      bulkhead: cached(this.bulkheads, u.name, bulkhead, () => new Bulkhead(bulkhead)),
    };
  }

  route(routeId: string, config: BulkheadConfig): Bulkhead {
    return cached(this.routeBulkheads, routeId, config, () => new Bulkhead(config));
  }

  /** Drops the policies of upstreams and routes no longer in the table. */
  retain(table: RouteTable): void {
    const upstreams = new Set(table.upstreams.keys());
    const routes = new Set(table.routes.map((r) => r.id));
    for (const map of [this.breakers, this.budgets, this.bulkheads]) for (const name of map.keys()) if (!upstreams.has(name)) map.delete(name);
    for (const id of this.routeBulkheads.keys()) if (!routes.has(id)) this.routeBulkheads.delete(id);
  }

  /** Circuit state of every upstream that has been called, by name. */
  circuits(): CircuitView[] {
    return [...this.breakers.values()].map((b) => b.value.view());
  }

  circuit(upstream: string): CircuitView | undefined {
    return this.breakers.get(upstream)?.value.view();
  }
}

/** Settings objects are frozen per table: their key is computed once per object, not per request. */
const keys = new WeakMap<object, string>();

function cached<T>(map: Map<string, Keyed<T>>, name: string, settings: object, create: () => T): T {
  let key = keys.get(settings);
  if (key === undefined) keys.set(settings, (key = JSON.stringify(settings)));
  const hit = map.get(name);
  if (hit && hit.key === key) return hit.value;
  const value = create();
  map.set(name, { key, value });
  return value;
}
