import { GatewayError } from '../../http/problems';
import type { Breaker, Permit } from '../../resilience/breaker';
import type { ResilienceEvents } from '../../resilience/events';
import { retryAfterSeconds } from '../../resilience/retry-after';
import { refusal, type Call, type Done, type Outcome, type Policy, type Step } from '../policy';

/**
 * The upstream's circuit breaker: asked once per request, not per try (retries of one request are
 * one failure, so a dead upstream trips it after `consecutiveFailures` requests, not a third of
 * them). An open circuit refuses at once, naming when to come back. On the way out the request is
 * judged: connect failures, resets, timeouts and the configured statuses count against the
 * upstream; a client that left, or a refusal before any try, tells nothing about it.
 */
export class BreakerPolicy implements Policy {
  constructor(
    private readonly breaker: Breaker,
    private readonly failureStatuses: readonly number[],
    private readonly events: ResilienceEvents,
  ) {}

  run(call: Call, next: Step, done: Done): void {
    const admission = this.breaker.admit();
    if (!admission.ok) {
      const name = call.plan.upstream.name;
      this.events.emit('circuit-open', name);
      call.x.span?.event('circuit open', { 'strangler.upstream': name, 'strangler.retry_after_ms': admission.retryAfterMs });
      return done(refusal(new GatewayError('circuit-open', `upstream "${name}" keeps failing: its circuit is open`, { upstream: name }, retryAfterSeconds(admission.retryAfterMs))));
    }
    const permit = admission.permit;
    next(call, (outcome) => {
      this.judge(permit, outcome);
      done(outcome);
    });
  }

  private judge(permit: Permit, outcome: Outcome): void {
    if (outcome.kind === 'answered') {
      if (outcome.status === null) return permit.release();
      return this.failureStatuses.includes(outcome.status) ? permit.failure() : permit.success();
    }
    if (outcome.failure === 'refused') return permit.release();
    if (outcome.failure === 'status' && outcome.answer && !this.failureStatuses.includes(outcome.answer.status)) return permit.success();
    permit.failure();
  }
}
