import { hasBody } from '../http/framing';
import type { Exchange, Responder, Stage } from '../pipeline/exchange';
import type { ResilienceEvents } from '../resilience/events';
import { composingResponder } from './compose';
import { startParts, type PartDeps } from './optional-parts';
import { Call, type Outcome } from './policy';
import type { Plans } from './plans';

/** The most of a primary answer buffered to merge optional parts into. */
const COMPOSE_CAP_BYTES = 16 * 1024 * 1024;

/**
 * Stage `respond`: how the answer will reach the client. The target's own responder (streamed, or
 * translated), composed with the route's optional parts for a GET, whose fetches start now,
 * beside the primary.
 */
export function respondStage(plans: Plans, parts: PartDeps, events: ResilienceEvents): Stage {
  return (x: Exchange) => {
    const route = x.route!;
    const target = x.target!;
    let respond: Responder = plans.of(route, target).respond;
    if (route.optionalParts.length > 0 && x.req.method === 'GET') {
      const pending = startParts(route.optionalParts, x, parts);
      x.onEnd(pending.cancel);
      respond = composingResponder({
        parts: pending,
        inner: respond,
        mapping: target.translate?.response ?? null,
        capBytes: COMPOSE_CAP_BYTES,
        onDegraded: (dropped) => {
          x.degraded = dropped.map((p) => `${p.field} (${p.why})`).join(', ');
          for (const p of dropped) events.emit('part-dropped', `${route.id}.${p.field}`);
        },
      });
    }
    x.respond = respond;
    x.next();
  };
}

/**
 * Stage `forward`: the request goes to its target through the target's policies. What the policies
 * hand back unanswered is answered here: a held 5xx passes to the client as it is, anything else
 * is the problem it names.
 */
export function forwardStage(plans: Plans, sent: (call: Call) => void): Stage {
  return (x: Exchange) => {
    const target = x.target!;
    const plan = plans.of(x.route!, target);
    // The body waits for the try that sends it: the policies decide asynchronously, and a body
    // already flowing (to a shadow copy, say) would lose its first chunks before the try reads it.
    if (x.body === null && hasBody(x.req)) x.req.pause();
    const call = new Call(x, plan, target.buildPath(x.path, x.params) + x.query, x.respond ?? plan.respond);
    sent(call);
    plan.run(call, (outcome) => answered(x, outcome));
  };
}

function answered(x: Exchange, outcome: Outcome): void {
  if (outcome.kind === 'answered') {
    if (outcome.error) x.error = outcome.error;
    return;
  }
  if (outcome.answer) return outcome.answer.commit();
  x.refuse(outcome.error);
}
