import { checkPercent, MODE_NEEDS } from '../config/modes';
import { ROUTE_MODES, type RouteMode } from '../config/schema';
import { ControlError } from './errors';
import type { RouteState } from './types';

/**
 * The route mode state machine. Forward, a route moves one step at a time
 * (legacy → shadow → canary → new → retired), so that each step has been observed before the
 * next; skipping ahead needs --force. Back towards legacy is always allowed (it is the safe
 * direction), except out of `retired`: a retired route's legacy code may be gone, so it may only
 * return to `new` unless forced. A canary may change its percentage in place.
 */

const rank = (m: RouteMode): number => ROUTE_MODES.indexOf(m);

/** The modes a route in `from` may move to without --force. */
export function allowedNext(from: RouteMode): RouteMode[] {
  return ROUTE_MODES.filter((to) => isAllowed(from, to));
}

function isAllowed(from: RouteMode, to: RouteMode): boolean {
  if (from === 'retired') return to === 'new';
  if (to === from) return to === 'canary';
  return rank(to) < rank(from) || rank(to) === rank(from) + 1;
}

export function describeState(s: RouteState): string {
  return s.mode === 'canary' ? `canary ${s.percent ?? 0}%` : s.mode;
}

/**
 * The state a move leads to, or a ControlError naming what is wrong and the allowed next steps.
 * `sides` are the targets the route declares: a mode that needs a missing side is refused even
 * with --force, because the route could not answer.
 */
export function planMove(
  routeId: string,
  from: RouteState,
  to: RouteMode,
  percent: number | undefined,
  force: boolean,
  sides: { legacy: boolean; new: boolean },
): RouteState {
  if (to === 'canary') {
    if (percent === undefined) throw new ControlError('invalid-request', `moving "${routeId}" to canary needs a percentage (--percent N)`);
    const bad = checkPercent(percent);
    if (bad) throw new ControlError('invalid-request', `percent ${percent} ${bad}`);
  } else if (percent !== undefined) {
    throw new ControlError('invalid-request', `a percentage only applies to mode canary, not ${to}`);
  }
  const missing = MODE_NEEDS[to].filter((side) => !sides[side]);
  if (missing.length > 0) {
    throw new ControlError('illegal-move', `route "${routeId}" cannot be in mode ${to}: it declares no ${missing.join(' and no ')} target in routes.json`, {
      missing,
    });
  }
  const next: RouteState = to === 'canary' ? { mode: to, percent } : { mode: to };
  if (next.mode === from.mode && next.percent === from.percent) {
    throw new ControlError('illegal-move', `route "${routeId}" is already in ${describeState(from)}`);
  }
  if (!force && !isAllowed(from.mode, to)) {
    const allowed = allowedNext(from.mode).filter((m) => m !== from.mode || m === 'canary');
    throw new ControlError(
      'illegal-move',
      `route "${routeId}" cannot move from ${from.mode} to ${to} in one step; allowed next: ${allowed.join(', ')} (or --force with a reason)`,
      { from: from.mode, to, allowed },
    );
  }
  return next;
}
