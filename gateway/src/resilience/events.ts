/** Counted on /metrics: what the resilience layer did, and to whom (an upstream or a route). */
export type ResilienceEvent = 'retry' | 'budget-exhausted' | 'circuit-open' | 'bulkhead-full' | 'fallback' | 'deadline' | 'part-dropped' | 'shed';

/** Where the policies report what they did; events, not log lines, as cockatiel's policies do. */
export interface ResilienceEvents {
  emit(event: ResilienceEvent, subject: string): void;
}
