import { GatewayError } from '../../http/problems';
import type { Bulkhead, Release } from '../../resilience/bulkhead';
import type { Clock } from '../../resilience/clock';
import type { ResilienceEvents } from '../../resilience/events';
import { refusal, type Call, type Done, type Outcome, type Policy, type Step } from '../policy';

const GONE: Outcome = Object.freeze({ kind: 'answered', status: null, error: null });

/**
 * A bulkhead around the rest of the chain (an upstream's, or a route's own on top of it): a free
 * slot is taken at once, a full bulkhead refuses at once (503 + Retry-After: 1, which a fallback
 * may answer instead), and otherwise the request waits in the queue until a slot frees, the client
 * leaves or the deadline passes. The slot is held until the answer has been sent.
 */
export class BulkheadPolicy implements Policy {
  constructor(
    private readonly bulkhead: Bulkhead,
    /** Whose bulkhead: the upstream's name, or the route's id. */
    private readonly subject: string,
    private readonly clock: Clock,
    private readonly events: ResilienceEvents,
  ) {}

  run(call: Call, next: Step, done: Done): void {
    if (this.bulkhead.full) return done(this.refuse(call));
    const slot = this.bulkhead.tryAcquire();
    if (slot) return next(call, holding(slot, done));
    // Waiting is the rare case: only it pays for a signal and a timer.
    const signal = AbortSignal.any([call.x.signal, AbortSignal.timeout(Math.max(1, Math.ceil(call.deadlineAt - this.clock())))]);
    // The wait in the queue is a span of the request: where a slow request's time went.
    const wait = call.x.span?.step('bulkhead wait', { 'strangler.bulkhead': this.subject }) ?? null;
    this.bulkhead.acquire(signal).then(
      (release) => {
        wait?.end({ 'strangler.bulkhead.admitted': true });
        if (call.x.ended) {
          release();
          return done(GONE);
        }
        next(call, holding(release, done));
      },
      () => {
        wait?.end({ 'strangler.bulkhead.admitted': false }, call.x.ended ? 'cancelled' : 'bulkhead-full');
        done(call.x.ended ? GONE : this.refuse(call));
      },
    );
  }

  private refuse(call: Call): Outcome {
    this.events.emit('bulkhead-full', this.subject);
    call.x.span?.event('bulkhead full', { 'strangler.bulkhead': this.subject });
    const name = call.plan.upstream.name;
    return refusal(new GatewayError('bulkhead-full', `too many requests in progress for upstream "${name}" (route "${call.plan.routeId}")`, { upstream: name }, 1));
  }
}

function holding(release: Release, done: Done): Done {
  return (outcome) => {
    release();
    done(outcome);
  };
}
