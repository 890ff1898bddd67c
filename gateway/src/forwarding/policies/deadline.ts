import { GatewayError } from '../../http/problems';
import type { Clock } from '../../resilience/clock';
import type { ResilienceEvents } from '../../resilience/events';
import type { Call, Done, Outcome, Policy, Step } from '../policy';

/**
 * The request's deadline: every try and every wait (a bulkhead queue, a backoff) ends by then,
 * each try's timeouts narrowed to what is left. On the way out, a try that timed out with the
 * deadline spent is reported as the deadline's, naming how many tries it allowed.
 */
export class DeadlinePolicy implements Policy {
  constructor(
    private readonly deadlineMs: number,
    private readonly clock: Clock,
    private readonly events: ResilienceEvents,
  ) {}

  run(call: Call, next: Step, done: Done): void {
    call.deadlineAt = this.clock() + this.deadlineMs;
    next(call, (outcome) => done(this.judge(call, outcome)));
  }

  private judge(call: Call, outcome: Outcome): Outcome {
    if (outcome.kind !== 'failed') return outcome;
    let error = outcome.error;
    if (outcome.failure === 'timeout' && call.deadlineAt - this.clock() <= 1) {
      const tries = call.retries + 1;
      const name = call.plan.upstream.name;
      error = new GatewayError('upstream-timeout', `upstream "${name}" did not answer within its ${this.deadlineMs} ms deadline (${tries} ${tries === 1 ? 'try' : 'tries'})`, { upstream: name });
    }
    if (error.code === 'upstream-timeout') this.events.emit('deadline', call.plan.upstream.name);
    return error === outcome.error ? outcome : { ...outcome, error };
  }
}
