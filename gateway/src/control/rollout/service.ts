import type { CompiledRoute, RouteTable } from '../../config/table';
import { ControlError } from '../errors';
import { describeState } from '../modes';
import { effectiveState } from '../overlay';
import type { StateStore } from '../state-store';
import type { ChangeResult, RouteState } from '../types';
import type { RolloutEvidence } from './evidence';
import { nextStep, resolvePlan, stepIndex } from './plan';
import type { RolloutStore } from './rollout-store';
import { isActive, type Rollout, type RolloutActionRequest, type RolloutEvent, type RolloutList, type RolloutStartRequest, type RolloutStatus } from './types';

/** Moves a route on the rollout's behalf: through the state machine and the audit log, as actor `rollout`. */
export type RolloutMove = (routeId: string, to: RouteState, reason: string, via: string, ifMatch?: number) => Promise<ChangeResult>;

export interface RolloutServiceDeps {
  readonly rollouts: RolloutStore;
  readonly state: Pick<StateStore, 'current'>;
  readonly evidence: RolloutEvidence;
  readonly baseline: () => RouteTable;
  readonly move: RolloutMove;
  readonly clock: () => Date;
}

/** Events kept in a rollout's document. */
const EVENTS = 50;
/** Attempts when a person and the driver change one rollout at once. */
const ATTEMPTS = 5;

const iso = (d: Date): string => d.toISOString();
const later = (d: Date, ms: number): string => new Date(d.getTime() + ms).toISOString();

export function withEvent(r: Rollout, at: Date, kind: string, detail: string): RolloutEvent[] {
  return [...r.events, { at: iso(at), kind, detail }].slice(-EVENTS);
}

/** `step 2 of 4 (canary 25%)`. */
export function stepLabel(r: Pick<Rollout, 'step'>): string {
  return `step ${r.step.index} of ${r.step.of} (${describeState(r.step.route)})`;
}

/**
 * The operations on rollouts that people ask for (start, status, pause, resume, abort), written
 * once for the CLI on the store and the admin API alike. Analysing and stepping is the driver's.
 */
export class RolloutService {
  constructor(private readonly deps: RolloutServiceDeps) {}

  async start(routeId: string, request: RolloutStartRequest, actor: string, via: string): Promise<Rollout> {
    const route = this.route(routeId);
    if (!route.legacy || !route.new) throw new ControlError('illegal-move', `route "${routeId}" cannot be rolled out: it needs both a legacy and a new target in routes.json`);
    const plan = resolvePlan(route, request);
    const current = await this.deps.state.current();
    const from = effectiveState(route, current);
    if (from.mode === 'new' || from.mode === 'retired') throw new ControlError('illegal-move', `route "${routeId}" is already in ${from.mode}: a rollout only moves a route towards new`);
    if (from.mode === 'canary' && nextStep(plan, from) === null) throw new ControlError('illegal-move', `route "${routeId}" is in ${describeState(from)}, past the plan's last step (${plan.steps.join(', ')})`);
    const now = this.deps.clock();
    // From legacy, the first step is shadow: the comparison must run before anything else.
    const holds: RouteState = from.mode === 'legacy' ? { mode: 'shadow' } : from;
    const phase = holds.mode === 'canary' ? 'canary' : 'shadow';
    const reason = request.reason?.trim() || 'automatic rollout';
    let rollout = await this.deps.rollouts.create(
      {
        routeId,
        state: 'running',
        plan,
        startedAt: iso(now),
        actor,
        reason,
        step: { index: stepIndex(plan, holds), of: plan.steps.length, route: holds, startedAt: iso(now), baseline: await this.deps.evidence.baseline(routeId, phase, now) },
        waits: 0,
        nextAnalysisAt: later(now, plan.intervalMs),
        lastAnalysis: null,
        note: null,
        endedAt: null,
        events: [{ at: iso(now), kind: 'started', detail: `by ${actor} (${via}) from ${describeState(from)}: ${reason}; steps ${plan.steps.join(', ')} every ${plan.intervalMs / 1000}s` }],
      },
      now,
    );
    if (from.mode === 'legacy') {
      try {
        await this.deps.move(routeId, holds, `rollout #${rollout.id} started by ${actor}: legacy → shadow, the comparison runs first (${reason})`, `rollout #${rollout.id}`, current.version);
      } catch (e) {
        await this.end(rollout, 'aborted', `could not move the route to shadow: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
      rollout = (await this.deps.rollouts.get(rollout.id)) ?? rollout;
    }
    return rollout;
  }

  async status(routeId: string): Promise<RolloutStatus> {
    this.route(routeId);
    const rollout = await this.deps.rollouts.latest(routeId);
    if (!rollout) throw new ControlError('no-rollout', `route "${routeId}" has had no rollout: start one with \`strangler routes rollout start ${routeId}\``);
    return { rollout, lease: await this.deps.rollouts.lease() };
  }

  async list(): Promise<RolloutList> {
    return { rollouts: await this.deps.rollouts.list(), lease: await this.deps.rollouts.lease() };
  }

  pause(routeId: string, request: RolloutActionRequest, actor: string): Promise<Rollout> {
    return this.changeActive(routeId, (r, now) => {
      if (r.state === 'paused') throw new ControlError('rollout-state', `the rollout of "${routeId}" is already paused: ${r.note ?? ''}`.trim());
      const note = `paused by ${actor}${request.reason?.trim() ? `: ${request.reason.trim()}` : ''}`;
      return { ...r, state: 'paused', note, nextAnalysisAt: null, events: withEvent(r, now, 'paused', note) };
    });
  }

  resume(routeId: string, request: RolloutActionRequest, actor: string): Promise<Rollout> {
    return this.changeActive(routeId, (r, now) => {
      if (r.state !== 'paused') throw new ControlError('rollout-state', `the rollout of "${routeId}" is ${r.state}, not paused`);
      const detail = `resumed by ${actor}${request.reason?.trim() ? `: ${request.reason.trim()}` : ''}`;
      // The step's evidence carries on from where it was; the count of empty intervals starts again.
      return { ...r, state: 'running', note: null, waits: 0, nextAnalysisAt: later(now, r.plan.intervalMs), events: withEvent(r, now, 'resumed', detail) };
    });
  }

  /** Ends the rollout where it stands: the route stays in its mode, for a person to move on or back. */
  abort(routeId: string, request: RolloutActionRequest, actor: string): Promise<Rollout> {
    return this.changeActive(routeId, (r, now) => {
      const note = `aborted by ${actor}${request.reason?.trim() ? `: ${request.reason.trim()}` : ''}; the route stays in ${describeState(r.step.route)}`;
      return { ...r, state: 'aborted', note, nextAnalysisAt: null, endedAt: iso(now), events: withEvent(r, now, 'aborted', note) };
    });
  }

  /** A person's flip or rollback takes the route out of the rollout's hands: the rollout ends first. Its id, or null when there was none. */
  async abortForManualChange(routeId: string, what: string): Promise<number | null> {
    try {
      const r = await this.changeActive(routeId, (r, now) => {
        const note = `aborted: ${what}`;
        return { ...r, state: 'aborted', note, nextAnalysisAt: null, endedAt: iso(now), events: withEvent(r, now, 'aborted', note) };
      });
      return r.id;
    } catch (e) {
      if (e instanceof ControlError && e.code === 'no-rollout') return null;
      throw e;
    }
  }

  /** Ends a rollout (done, rolled back, aborted) from whatever revision is stored now. */
  async end(r: Rollout, state: 'done' | 'rolled-back' | 'aborted', note: string): Promise<Rollout | null> {
    const now = this.deps.clock();
    for (let attempt = 0, cur: Rollout | null = r; attempt < ATTEMPTS && cur && isActive(cur.state); attempt++) {
      const done = await this.deps.rollouts.update({ ...cur, state, note, nextAnalysisAt: null, endedAt: iso(now), events: withEvent(cur, now, state, note) }, now);
      if (done) return done;
      cur = await this.deps.rollouts.get(r.id);
    }
    return null;
  }

  private async changeActive(routeId: string, change: (r: Rollout, now: Date) => Rollout): Promise<Rollout> {
    this.route(routeId);
    for (let attempt = 1; ; attempt++) {
      const r = await this.deps.rollouts.active(routeId);
      if (!r) throw new ControlError('no-rollout', `route "${routeId}" has no rollout under way`);
      const now = this.deps.clock();
      const written = await this.deps.rollouts.update(change(r, now), now);
      if (written) return written;
      if (attempt >= ATTEMPTS) throw new ControlError('stale-version', `the rollout of "${routeId}" kept changing while this was being done: try again`);
    }
  }

  private route(routeId: string): CompiledRoute {
    const route = this.deps.baseline().routes.find((r) => r.id === routeId);
    if (!route) throw new ControlError('unknown-route', `no route "${routeId}" in ${this.deps.baseline().source}`);
    return route;
  }
}
