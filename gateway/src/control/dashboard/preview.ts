import type { CompiledRoute } from '../../config/table';
import { lastUndoable } from '../audit-entries';
import { ControlError } from '../errors';
import { judgeGate, type GateJudgement } from '../gate';
import { describeState, planMove } from '../modes';
import { effectiveState } from '../overlay';
import type { RouteState } from '../types';
import type { Preview } from './answers';
import type { DashboardDeps } from './deps';
import { shadowSummary } from './summary';

const NO_GATE: Preview['gate'] = { applies: false, ok: true, reasons: [], since: null, summary: null };

/**
 * What a flip or a rollback would do, decided by the same rules the control code applies (the
 * state machine, the sides the route declares, the flip gate on its shadow record) without
 * writing anything: the confirmation the page shows before the change, refusal numbers included.
 */
export async function previewFlip(deps: DashboardDeps, routeId: string, to: RouteState['mode'], percent: number | undefined): Promise<Preview> {
  const route = routeOf(deps, routeId);
  const { state } = await deps.store.readable();
  const from = effectiveState(route, state);
  let next: RouteState;
  try {
    next = planMove(routeId, from, to, percent, false, { legacy: route.legacy !== null, new: route.new !== null });
  } catch (e) {
    if (!(e instanceof ControlError)) throw e;
    const wanted: RouteState | null = to === 'canary' ? (percent === undefined ? null : { mode: 'canary', percent }) : { mode: to };
    return { routeId, action: 'flip', from, to: wanted, effect: wanted ? effectOf(wanted) : '', allowed: false, refusal: { code: e.code, message: e.message, reasons: [] }, gate: NO_GATE, version: state.version };
  }
  const gate = await judgeGate(deps.store, deps.shadow, route, from, next, deps.clock);
  const refusal = gate.ok ? null : { code: 'gate-refused', message: `the flip gate refuses ${describeState(next)}: its shadow record falls short`, reasons: gate.reasons };
  return { routeId, action: 'flip', from, to: next, effect: effectOf(next), allowed: gate.ok, refusal, gate: gateOf(gate, route), version: state.version };
}

export async function previewRollback(deps: DashboardDeps, routeId: string): Promise<Preview> {
  const route = routeOf(deps, routeId);
  const { state } = await deps.store.readable();
  const from = effectiveState(route, state);
  const undo = lastUndoable(await deps.store.history(routeId, 10_000));
  if (!undo) {
    const message = `route "${routeId}" has no change left to roll back (it follows routes.json: ${describeState(from)})`;
    return { routeId, action: 'rollback', from, to: null, effect: '', allowed: false, refusal: { code: 'nothing-to-roll-back', message, reasons: [] }, gate: NO_GATE, version: state.version };
  }
  const before = await deps.store.overlayAt(undo.version - 1);
  const previous = before.overlay[routeId];
  const to: RouteState = previous ? (previous.percent === undefined ? { mode: previous.mode } : { mode: previous.mode, percent: previous.percent }) : effectiveState(route, { version: 0, overlay: {} });
  const effect = `undoes change #${undo.id} (${describeState(undo.from)} → ${describeState(undo.to)} by ${undo.actor}); ${effectOf(to)}`;
  return { routeId, action: 'rollback', from, to, effect, allowed: true, refusal: null, gate: NO_GATE, version: state.version };
}

function gateOf(gate: GateJudgement, route: CompiledRoute): Preview['gate'] {
  return { applies: gate.applies, ok: gate.ok, reasons: gate.reasons, since: gate.since, summary: gate.report ? shadowSummary(gate.report, route) : null };
}

function routeOf(deps: DashboardDeps, routeId: string): CompiledRoute {
  const route = deps.baseline().routes.find((r) => r.id === routeId);
  if (!route) throw new ControlError('unknown-route', `no route "${routeId}" in ${deps.baseline().source}`);
  return route;
}

/** Who answers in a state, in words. */
export function effectOf(s: RouteState): string {
  switch (s.mode) {
    case 'legacy':
      return 'legacy answers every request; new gets none';
    case 'shadow':
      return 'legacy answers every request; new gets a copy whose answer is compared and thrown away';
    case 'canary':
      return `new answers ${s.percent ?? 0}% of clients (sticky per key), legacy the rest`;
    case 'new':
      return 'new answers every request; legacy is called only as a fallback if the route declares one';
    case 'retired':
      return 'new answers every request; legacy is never called for this route';
  }
}
