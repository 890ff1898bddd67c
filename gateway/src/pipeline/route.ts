import { GatewayError } from '../http/problems';
import { decide } from '../routing/decide';
import { normalizeTarget } from '../routing/normalize';
import type { Exchange, Stage } from './exchange';

/**
 * Stage `normalise`: the gateway, not the upstream, decides what path a request names. Paths the
 * public listener never serves nor forwards (`reserved`: the admin API's) are a 404, judged on the
 * normalised path so that no spelling of one slips through.
 */
export function normaliseStage(reserved: (path: string) => boolean): Stage {
  return (x: Exchange) => {
    const target = normalizeTarget(x.req.url ?? '/');
    if (!target.ok) return x.refuse(new GatewayError('bad-request-target', target.reason));
    x.path = target.path;
    x.segments = target.segments;
    x.query = target.query ? `?${target.query}` : '';
    if (reserved(target.path)) return x.refuse(new GatewayError('no-route', 'the admin API is served on its own listener only'));
    x.next();
  };
}

/** Stage `match`: the most specific route for the method and path. */
export function matchStage(x: Exchange): void {
  const method = x.req.method ?? 'GET';
  const match = x.table.matcher.match(method, x.segments);
  if (!match) return x.refuse(new GatewayError('no-route', `no route matches ${method} ${x.path}`));
  x.route = match.route;
  x.params = match.params;
  x.next();
}

/**
 * Stage `decide`: which side answers, from the route's mode. Once decided, the request has passed
 * every check that needs no body, so a client waiting for `100 Continue` gets it now (a refusal
 * before this point was sent instead of it).
 */
export function decideStage(x: Exchange): void {
  const route = x.route!;
  const decision = decide(route, x.req, x.clientIp, x.table);
  if (!decision) return x.refuse(new GatewayError('upstream-unavailable', `route "${route.id}" has no upstream to answer in mode ${route.mode}`));
  x.target = decision.target;
  x.fallback = decision.fallback;
  x.decidedBy = decision.why;
  if (x.req.headers.expect !== undefined) x.res.writeContinue();
  x.next();
}
