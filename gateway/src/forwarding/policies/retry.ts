import type { TargetPolicy } from '../../config/policy';
import { hasBody } from '../../http/framing';
import type { Clock, Random } from '../../resilience/clock';
import type { ResilienceEvents } from '../../resilience/events';
import type { RetryBudget } from '../../resilience/retry-budget';
import { planRetry } from '../../resilience/retry-plan';
import type { Call, Done, Outcome, Policy, Step } from '../policy';
import { readReplayableBody } from '../replay-body';

const GONE: Outcome = Object.freeze({ kind: 'answered', status: null, error: null });

/**
 * Tries again, after a backoff with full jitter, when a try fails in a way worth repeating and the
 * request can be sent twice (an idempotent method, and a body the gateway holds whole: a small
 * one is read first for that), within the deadline and the upstream's retry budget. The decision
 * itself is `planRetry`'s.
 */
export class RetryPolicy implements Policy {
  constructor(
    private readonly policy: TargetPolicy,
    private readonly budget: RetryBudget,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly events: ResilienceEvents,
  ) {}

  run(call: Call, next: Step, done: Done): void {
    const { x } = call;
    const replayable = this.policy.retry.maxRetries > 0 && this.policy.idempotent.has(x.req.method ?? 'GET') && x.body === null && call.replay === null && !call.streamed && hasBody(x.req);
    const reading = replayable ? readReplayableBody(x.req) : null;
    if (!reading) return this.first(call, next, done);
    void reading.then((read) => {
      if (read === 'gone') return done(GONE);
      call.replay = read;
      this.first(call, next, done);
    });
  }

  private first(call: Call, next: Step, done: Done): void {
    this.budget.request();
    this.attempt(call, next, done);
  }

  private attempt(call: Call, next: Step, done: Done): void {
    next(call, (outcome) => {
      if (outcome.kind !== 'failed' || outcome.failure === 'refused') return done(outcome);
      const status = outcome.answer?.status;
      const plan = planRetry(
        { kind: outcome.failure, status, retryAfter: outcome.answer?.retryAfter },
        { config: this.policy.retry, retries: call.retries, repeatable: this.repeatable(call), remainingMs: call.deadlineAt - this.clock(), budget: this.budget, random: this.random, nowEpochMs: Date.now() },
      );
      if (!plan.retry) {
        if (plan.why === 'budget') this.events.emit('budget-exhausted', call.plan.upstream.name);
        return done(outcome);
      }
      outcome.answer?.discard();
      this.events.emit('retry', call.plan.upstream.name);
      call.retries += 1;
      call.backoffMs = plan.delayMs;
      const timer = setTimeout(() => {
        unhook();
        this.attempt(call, next, done);
      }, plan.delayMs);
      const unhook = call.x.onEnd(() => {
        clearTimeout(timer);
        done(GONE);
      });
    });
  }

  /** A try can be repeated when the method is idempotent and the body (if any) is held whole. */
  private repeatable(call: Call): boolean {
    const { x } = call;
    return this.policy.idempotent.has(x.req.method ?? 'GET') && (x.body !== null || call.replay !== null || (!call.streamed && !hasBody(x.req)));
  }
}
