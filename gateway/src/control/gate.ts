import type { CompiledRoute } from '../config/table';
import { ROUTE_MODES, type RouteMode } from '../config/schema';
import { gateVerdict } from '../shadow/report';
import type { ShadowStore } from '../shadow/results-store';
import type { GateThresholds, RouteShadowReport } from '../shadow/types';
import type { StateStore } from './state-store';
import type { RouteState } from './types';

/** The flip gate's judgement of one move, with the record it judged: what a confirmation shows before a flip. */
export interface GateJudgement {
  /** False when the move needs no shadow record (not ahead into canary or new, or the route has no shadow). */
  readonly applies: boolean;
  readonly ok: boolean;
  readonly reasons: readonly string[];
  /** The start of the record judged: when the route last entered shadow. */
  readonly since: string | null;
  readonly thresholds: GateThresholds | null;
  readonly report: RouteShadowReport | null;
}

const rankOf = (m: RouteMode): number => ROUTE_MODES.indexOf(m);

/**
 * The flip gate: moving ahead into canary or new needs the route's shadow record, since it last
 * entered shadow, to meet its thresholds (routes.json `shadow.gate`). Without a results store
 * (a bare CLI on a state store that keeps none) there is no record to judge, and no gate.
 */
export async function judgeGate(
  store: Pick<StateStore, 'history'>,
  shadow: Pick<ShadowStore, 'report'> | undefined,
  route: CompiledRoute,
  from: RouteState,
  to: RouteState,
  /** Read only when the gate applies and the route never entered shadow (a stepping test clock sees no extra reading). */
  clock: () => Date,
): Promise<GateJudgement> {
  if (!shadow || !route.shadow || (to.mode !== 'canary' && to.mode !== 'new') || rankOf(from.mode) >= rankOf(to.mode)) {
    return { applies: false, ok: true, reasons: [], since: null, thresholds: null, report: null };
  }
  const entered = (await store.history(route.id, 10_000)).find((e) => e.to.mode === 'shadow' && e.from.mode !== 'shadow');
  const since = entered ? new Date(entered.at) : new Date(clock().getTime() - 7 * 24 * 3_600_000);
  const [report] = await shadow.report(route.id, since);
  const thresholds = route.shadow.config.gate;
  const verdict = gateVerdict(report ?? null, thresholds);
  return { applies: true, ok: verdict.ok, reasons: verdict.reasons, since: since.toISOString(), thresholds, report: report ?? null };
}
