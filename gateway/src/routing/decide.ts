import type { IncomingMessage } from 'node:http';
import type { CompiledRoute, CompiledTarget, RouteTable } from '../config/table';
import { hasBody } from '../http/framing';
import { SAFE_METHODS } from '../http/methods';
import { inCanary } from './canary';
import { isTrustedAddress } from './client-address';

/** The header a trusted caller uses to pin one request to a side (stripped before forwarding, like every x-strangler-* header). */
export const FORCE_HEADER = 'x-strangler-target';


export interface Decision {
  /** The side that answers. */
  readonly target: CompiledTarget;
  /** Legacy, when new failing (connect failure or 5xx) may be answered by it instead. */
  readonly fallback: CompiledTarget | null;
  /** Why this side, for the request log: the mode, `canary`, or `forced`. */
  readonly why: 'mode' | 'canary' | 'forced';
}

/**
 * Which side answers, from the route's mode. `shadow` is answered by legacy (the copy to new is
 * the shadow stage's business). `canary` puts each sticky key in a stable bucket. `retired` answers
 * from new only: nothing, not even the force header or a fallback, calls legacy for a retired route.
 */
export function decide(route: CompiledRoute, req: IncomingMessage, clientIp: string, table: RouteTable): Decision | null {
  const forced = forcedSide(route, req, clientIp, table);
  if (forced) return { target: forced, fallback: null, why: 'forced' };
  switch (route.mode) {
    case 'legacy':
    case 'shadow':
      return route.legacy && { target: route.legacy, fallback: null, why: 'mode' };
    case 'canary':
      if (!route.legacy || !route.new) return null;
      if (!inCanary(route.id, route.stickyKey(req, clientIp), route.percent)) return { target: route.legacy, fallback: null, why: 'canary' };
      return { target: route.new, fallback: fallbackFor(route, req), why: 'canary' };
    case 'new':
      return route.new && { target: route.new, fallback: fallbackFor(route, req), why: 'mode' };
    case 'retired':
      return route.new && { target: route.new, fallback: null, why: 'mode' };
  }
}

/** Only a request without a body can be sent again: a streamed body is gone once new has read it. */
function fallbackFor(route: CompiledRoute, req: IncomingMessage): CompiledTarget | null {
  return route.config.fallbackToLegacy && SAFE_METHODS.has(req.method ?? '') && !hasBody(req) ? route.legacy : null;
}

function forcedSide(route: CompiledRoute, req: IncomingMessage, clientIp: string, table: RouteTable): CompiledTarget | null {
  const wanted = req.headers[FORCE_HEADER];
  if (wanted === undefined || !isTrustedAddress(table.forceTargetFrom, clientIp)) return null;
  if (wanted === 'new') return route.new;
  if (wanted === 'legacy' && route.mode !== 'retired') return route.legacy;
  return null;
}
