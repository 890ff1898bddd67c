import { Counter, Gauge, type Registry } from 'prom-client';
import type { CircuitStateName, CircuitView } from './breaker';
import type { ResilienceEvents } from './events';

const STATES: readonly CircuitStateName[] = ['closed', 'open', 'half-open'];
const CIRCUIT = 'strangler_upstream_circuit_state';
const EVENTS = 'strangler_resilience_events_total';


/**
 * The resilience metrics on the gateway's registry: each upstream's circuit state, read when
 * /metrics is scraped (an open circuit turns half-open by the clock, not by an event), and a
 * counter of every policy decision. Kept beside the policies so the shared metrics file stays small.
 */
export function registerResilienceMetrics(registry: Registry, circuits: () => readonly CircuitView[]): ResilienceEvents {
  if (!registry.getSingleMetric(CIRCUIT)) {
    new Gauge({
      name: CIRCUIT,
      help: '1 for the state each upstream circuit is in (closed, open, half-open), 0 for the others.',
      labelNames: ['upstream', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of circuits()) for (const s of STATES) this.labels(c.upstream, s).set(c.state === s ? 1 : 0);
      },
    });
  }
  const events =
    (registry.getSingleMetric(EVENTS) as Counter<'event' | 'subject'> | undefined) ??
    new Counter({ name: EVENTS, help: 'Resilience decisions: retries, spent budgets, open circuits, full bulkheads, fallbacks, deadlines and shed requests.', labelNames: ['event', 'subject'] as const, registers: [registry] });
  const children = new Map<string, ReturnType<typeof events.labels>>();
  return {
    emit(event, subject) {
      const key = `${event}\u0000${subject}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = events.labels(event, subject)));
      child.inc();
    },
  };
}
