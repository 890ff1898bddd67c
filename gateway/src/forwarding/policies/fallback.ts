import type { CompiledFallback } from '../../config/policy';
import type { CompiledTarget } from '../../config/table';
import { SAFE_METHODS } from '../../http/methods';
import type { ResilienceEvents } from '../../resilience/events';
import { FALLBACK_HEADER, sendStaticFallback } from '../fallback-answer';
import { Call, type Done, type Policy, type Step, type TargetPlan } from '../policy';

/** What the fallback needs of the plans around it. */
export interface FallbackDeps {
  /** The plan of a route target (legacy, when new fails over to it). */
  readonly planFor: (target: CompiledTarget) => TargetPlan;
  /** Counts a request sent to another upstream, as the forward stage does for the first. */
  readonly sent: (call: Call) => void;
  readonly events: ResilienceEvents;
}

/**
 * The outermost policy: when the primary cannot answer (refused by its circuit or bulkhead, cannot
 * connect, resets, times out, answers 5xx) and nothing has reached the client, a safe request
 * (GET, HEAD, OPTIONS: an answer to a write must come from whoever did the write) is answered by
 * a fallback instead, marked `x-strangler-fallback: <reason>`. First legacy, when the route
 * falls back to it; else the route's own fallback: another upstream (through its own policies) or
 * a fixed JSON body.
 */
export class FallbackPolicy implements Policy {
  constructor(
    private readonly routeId: string,
    private readonly own: CompiledFallback | null,
    /** The plan for an upstream fallback (its own policies, no fallback of its own). */
    private readonly ownPlan: TargetPlan | null,
    private readonly deps: FallbackDeps,
  ) {}

  run(call: Call, next: Step, done: Done): void {
    next(call, (outcome) => {
      const { x } = call;
      const legacy = x.fallback;
      if (outcome.kind !== 'failed' || !SAFE_METHODS.has(x.req.method ?? '') || x.res.headersSent || (legacy === null && this.own === null)) return done(outcome);
      outcome.answer?.discard();
      this.deps.events.emit('fallback', this.routeId);
      x.res.setHeader(FALLBACK_HEADER, outcome.error.code);
      if (legacy !== null) {
        // Once: legacy's own failure is answered by the route's fallback, never by legacy again.
        x.fallback = null;
        x.fellBackFrom = `${call.plan.upstream.name} (${outcome.error.code})`;
        const plan = this.deps.planFor(legacy);
        return this.retarget(new Call(x, plan, legacy.buildPath(x.path, x.params) + x.query, plan.respond), done);
      }
      if (this.own?.kind === 'static') {
        sendStaticFallback(x.res, this.own.status, this.own.body, x.requestId, outcome.error.code, x.req.method === 'HEAD');
        return done({ kind: 'answered', status: this.own.status, error: null });
      }
      if (this.ownPlan) this.retarget(new Call(x, this.ownPlan, call.path, call.respond), done);
    });
  }

  private retarget(call: Call, done: Done): void {
    this.deps.sent(call);
    call.plan.run(call, done);
  }
}
