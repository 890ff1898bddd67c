import { Counter, Gauge, Registry } from 'prom-client';
import type { SagaLog } from '../db/saga-log';
import { SagaStateSchema } from '../contract';

/** How a checkout ended, as counted. */
export type CheckoutOutcome = 'confirmed' | 'out_of_stock' | 'unavailable' | 'interrupted' | 'dry_run';

export interface CheckoutMetrics {
  readonly registry: Registry;
  outcome(outcome: CheckoutOutcome): void;
  stuck(): void;
}

/**
 * The orders service's metrics, on a registry of its own (never prom-client's global one, so two
 * apps in one test process do not collide). Unfinished and stuck sagas are read from the saga
 * log at each scrape, so the gauges are true across restarts and replicas.
 */
export function createCheckoutMetrics(log: SagaLog): CheckoutMetrics {
  const registry = new Registry();
  const outcomes = new Counter({ name: 'orders_checkout_sagas_total', help: 'Checkout sagas by how they ended for the client.', labelNames: ['outcome'], registers: [registry] });
  const stuckTotal = new Counter({ name: 'orders_checkout_sagas_stuck_total', help: 'Times a saga spent its retry budget and was marked stuck.', registers: [registry] });
  new Gauge({
    name: 'orders_checkout_sagas_unfinished',
    help: 'Sagas not yet done or rejected, by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const { byState } = await log.tally();
      for (const state of SagaStateSchema.options) if (state !== 'done' && state !== 'rejected') this.set({ state }, byState[state] ?? 0);
    },
  });
  new Gauge({
    name: 'orders_checkout_sagas_stuck',
    help: 'Unfinished sagas whose retry budget ran out; retried when the service starts, or by POST /sagas/:id/retry.',
    registers: [registry],
    async collect() {
      this.set((await log.tally()).stuck);
    },
  });
  return {
    registry,
    outcome: (outcome) => outcomes.inc({ outcome }),
    stuck: () => stuckTotal.inc(),
  };
}
