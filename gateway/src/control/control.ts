import type { CompiledRoute, RouteTable } from '../config/table';
import type { CircuitView } from '../resilience/breaker';
import type { InstanceView } from '../forwarding/instances/instance';
import type { ShadowStore } from '../shadow/results-store';
import type { RouteShadowReport } from '../shadow/types';
import { appendChange, type PlannedChange } from './append-change';
import { actorOf, lastUndoable, stateOf } from './audit-entries';
import { ControlError } from './errors';
import { explainRequest } from './explain';
import { judgeGate } from './gate';
import { describeState, planMove } from './modes';
import { effectiveState, routeView } from './overlay';
import type { StateStore } from './state-store';
import type { AuditEntry, ChangeResult, Control, Explanation, FlipRequest, RollbackRequest, RouteList, RouteState, StateVersion } from './types';
import { RolloutService } from './rollout/service';
import type { RolloutEvidence } from './rollout/evidence';
import type { RolloutStore } from './rollout/rollout-store';
import type { Rollout, RolloutActionRequest, RolloutControl, RolloutList, RolloutStartRequest, RolloutStatus } from './rollout/types';

export interface ControlDeps {
  readonly store: StateStore;
  /** routes.json as compiled now (the gateway's hot-reloaded baseline, or the file the CLI read). */
  readonly baseline: () => RouteTable;
  readonly clock?: () => Date;
  /** The live breakers of the gateway this control runs in (the admin API), for explain. */
  readonly circuits?: () => readonly CircuitView[];
  /** Each upstream's instances in the live gateway (routes explain shows those of the route's upstreams). */
  readonly instances?: () => readonly InstanceView[];
  /** Shadow comparison results; without it, shadowReport is refused as store-unavailable. */
  readonly shadow?: Pick<ShadowStore, 'report'>;
  /** Rollouts and their evidence; without them, rollout operations are refused as store-unavailable. */
  readonly rollouts?: { readonly store: RolloutStore; readonly evidence: RolloutEvidence };
}

/**
 * The control operations, written once: the CLI with --store calls them directly, the admin API
 * calls them for its clients. Every change is checked against the state machine and the
 * baseline, then appended as a new version with its audit entry in one transaction; a refused
 * change writes nothing.
 */
export class ControlService implements Control, RolloutControl {
  private readonly clock: () => Date;
  /** The rollout operations over the same store, moving routes through this service; null without a rollout store. */
  readonly rollouts: RolloutService | null;
  constructor(private readonly deps: ControlDeps) {
    this.clock = deps.clock ?? (() => new Date());
    const r = deps.rollouts;
    this.rollouts = r
      ? new RolloutService({ rollouts: r.store, state: deps.store, evidence: r.evidence, baseline: deps.baseline, clock: this.clock, move: (id, to, reason, via, ifMatch) => this.moveByRollout(id, to, reason, via, ifMatch) })
      : null;
  }

  /** The routes under the newest state version this gateway can read, as its gateways serve them; newer ones it cannot read are named. */
  async list(): Promise<RouteList> {
    const { state, unreadable } = await this.deps.store.readable();
    const table = this.deps.baseline();
    const known = new Set(table.routes.map((r) => r.id));
    return {
      version: state.version,
      routes: table.routes.map((r) => routeView(r, state)),
      orphans: Object.keys(state.overlay).filter((id) => !known.has(id)),
      ...(unreadable.length > 0 ? { unreadable } : {}),
    };
  }

  async explain(method: string, path: string, since: Date): Promise<Explanation> {
    const { state, unreadable } = await this.deps.store.readable();
    const explained = await explainRequest(this.deps.baseline(), state, method, path, since, (id) => this.deps.store.traffic(id, since));
    const noted = unreadable.length > 0 ? { ...explained, unreadable } : explained;
    const { circuits, instances } = this.deps;
    if (!noted.route) return noted;
    const names = new Set([noted.route.legacy, noted.route.new]);
    return {
      ...noted,
      ...(circuits ? { circuits: circuits().filter((c) => names.has(c.upstream)) } : {}),
      ...(instances ? { instances: instances().filter((i) => names.has(i.upstream)) } : {}),
    };
  }

  flip(routeId: string, request: FlipRequest, via: string, ifMatch?: number): Promise<ChangeResult> {
    return this.change(ifMatch, async (state) => {
      const route = this.route(routeId);
      const from = effectiveState(route, state);
      const to = planMove(routeId, from, request.to, request.percent, request.force ?? false, { legacy: route.legacy !== null, new: route.new !== null });
      const reason = request.reason.trim();
      if (reason === '') throw new ControlError('invalid-request', 'a reason is required: say why (it goes into the audit log)');
      const gate = await this.gateReasons(route, from, to);
      if (gate.length > 0 && !request.force) {
        throw new ControlError(
          'gate-refused',
          `route "${routeId}" may not move to ${to.mode} yet, its shadow record falls short: ${gate.join('; ')} (or --force with a reason)`,
          { reasons: gate },
        );
      }
      const forced = (request.force ?? false) && (gate.length > 0 || !planAllowsWithoutForce(routeId, from, request, route));
      const actor = actorOf(request.actor, via);
      const abortedRollout = await this.rollouts?.abortForManualChange(routeId, `${actor} flipped the route by hand (${describeState(from)} → ${describeState(to)}: ${reason})`);
      return { entryFor: to, draft: { routeId, action: 'flip', from, to, reason, forced, undoes: null, actor, via }, abortedRollout };
    });
  }

  /**
   * A rollout's step or rollback: the state machine's rules and the audit log like any flip, as actor
   * `rollout`. The flip gate is not asked: the rollout's own shadow analysis holds the new side to
   * the gate's thresholds, by a confidence bound over the step's own traffic.
   */
  moveByRollout(routeId: string, to: RouteState, reason: string, via: string, ifMatch?: number): Promise<ChangeResult> {
    return this.change(ifMatch, (state) => {
      const route = this.route(routeId);
      const from = effectiveState(route, state);
      const next = planMove(routeId, from, to.mode, to.percent, false, { legacy: route.legacy !== null, new: route.new !== null });
      return Promise.resolve({ entryFor: next, draft: { routeId, action: 'flip', from, to: next, reason, forced: false, undoes: null, actor: 'rollout', via } });
    });
  }

  rollback(routeId: string, request: RollbackRequest, via: string, ifMatch?: number): Promise<ChangeResult> {
    return this.change(ifMatch, async (state) => {
      const route = this.route(routeId);
      const undo = lastUndoable(await this.deps.store.history(routeId, 10_000));
      if (!undo) throw new ControlError('nothing-to-roll-back', `route "${routeId}" has no change left to roll back (it follows routes.json: ${describeState(effectiveState(route, state))})`);
      // The state before the undone change, exactly: an overlay entry, or none (the route followed routes.json).
      const before = await this.deps.store.overlayAt(undo.version - 1);
      const previous = before.overlay[routeId] ?? null;
      const from = effectiveState(route, state);
      const reason = request.reason?.trim() || `rollback of change #${undo.id} (${describeState(undo.from)} → ${describeState(undo.to)})`;
      const actor = actorOf(request.actor, via);
      const abortedRollout = await this.rollouts?.abortForManualChange(routeId, `${actor} rolled the route back by hand (undoing change #${undo.id}: ${reason})`);
      return {
        abortedRollout,
        entryFor: previous === null ? null : stateOf(previous),
        draft: { routeId, action: 'rollback', from, to: previous === null ? effectiveState(route, { version: 0, overlay: {} }) : stateOf(previous), reason, forced: false, undoes: undo.id, actor, via },
      };
    });
  }

  history(routeId?: string, limit?: number): Promise<readonly AuditEntry[]> {
    if (routeId !== undefined) this.route(routeId);
    return this.deps.store.history(routeId, limit);
  }

  async shadowReport(routeId: string | undefined, since: Date): Promise<RouteShadowReport[]> {
    if (routeId !== undefined) this.route(routeId);
    if (!this.deps.shadow) throw new ControlError('store-unavailable', 'shadow results are not available here: no shadow results store is configured');
    return this.deps.shadow.report(routeId, since);
  }

  rolloutStart(routeId: string, request: RolloutStartRequest, via: string): Promise<RolloutStatus> {
    return this.withLease(this.rolloutOps().start(routeId, request, actorOf(request.actor, via), via));
  }

  rolloutStatus(routeId: string): Promise<RolloutStatus> {
    return this.rolloutOps().status(routeId);
  }

  rolloutList(): Promise<RolloutList> {
    return this.rolloutOps().list();
  }

  rolloutPause(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus> {
    return this.withLease(this.rolloutOps().pause(routeId, request, actorOf(request.actor, via)));
  }

  rolloutResume(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus> {
    return this.withLease(this.rolloutOps().resume(routeId, request, actorOf(request.actor, via)));
  }

  rolloutAbort(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus> {
    return this.withLease(this.rolloutOps().abort(routeId, request, actorOf(request.actor, via)));
  }

  private async withLease(done: Promise<Rollout>): Promise<RolloutStatus> {
    const rollout = await done;
    return { rollout, lease: (await this.deps.rollouts?.store.lease()) ?? null };
  }

  private rolloutOps(): RolloutService {
    if (!this.rollouts) throw new ControlError('store-unavailable', 'rollouts are not available here: no rollout store is configured');
    return this.rollouts;
  }

  /** The flip gate's reasons to refuse the move (control/gate.ts). */
  private async gateReasons(route: CompiledRoute, from: RouteState, to: RouteState): Promise<string[]> {
    return [...(await judgeGate(this.deps.store, this.deps.shadow, route, from, to, this.clock)).reasons];
  }

  private change(ifMatch: number | undefined, decideChange: (state: StateVersion) => Promise<PlannedChange>): Promise<ChangeResult> {
    return appendChange(this.deps.store, this.clock, ifMatch, decideChange);
  }

  private route(routeId: string): CompiledRoute {
    const route = this.deps.baseline().routes.find((r) => r.id === routeId);
    if (!route) throw new ControlError('unknown-route', `no route "${routeId}" in ${this.deps.baseline().source}`);
    return route;
  }
}

/** True when the same move would pass without --force, so the audit only flags moves that needed it. */
function planAllowsWithoutForce(routeId: string, from: RouteState, request: FlipRequest, route: CompiledRoute): boolean {
  try {
    planMove(routeId, from, request.to, request.percent, false, { legacy: route.legacy !== null, new: route.new !== null });
    return true;
  } catch {
    return false;
  }
}
