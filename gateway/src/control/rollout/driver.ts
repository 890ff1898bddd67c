import type { RouteTable } from '../../config/table';
import type { Logger } from '../../observability/logger';
import { ControlError } from '../errors';
import { describeState } from '../modes';
import { effectiveState } from '../overlay';
import type { StateStore } from '../state-store';
import { analyzeCanary, analyzeShadow, summaryOf } from './analysis';
import type { RolloutEvidence } from './evidence';
import { nextStep, stepIndex } from './plan';
import type { RolloutStore } from './rollout-store';
import { stepLabel, withEvent, type RolloutMove, type RolloutService } from './service';
import type { Analysis, Rollout } from './types';

/** Publishes each route's rollout (strangler_rollout_step, strangler_rollout_state). */
export interface RolloutMetrics {
  rollouts(views: readonly { readonly routeId: string; readonly step: number; readonly state: string }[]): void;
}

export interface DriverDeps {
  readonly rollouts: RolloutStore;
  readonly state: Pick<StateStore, 'current'>;
  readonly evidence: RolloutEvidence;
  readonly service: RolloutService;
  readonly baseline: () => RouteTable;
  readonly move: RolloutMove;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** This replica's name: the lease holder's, and in the audit's `via`. */
  readonly replica: string;
  readonly metrics?: RolloutMetrics;
  /** How long the lease lasts without renewal: another replica takes over this long after the holder dies. Default 10 s. */
  readonly leaseMs?: number;
}

/**
 * Drives every rollout of the fleet from the one replica that holds the lease: at each tick it
 * takes or renews the lease and, holding it, analyses each rollout whose interval is up, then
 * steps, rolls back or waits. The ticks come from a timer in a gateway and from the test itself
 * under an injected clock. Everything a rollout is lives in the store, so a replica that takes the
 * lease over (or a restarted fleet) carries on from the last analysis written.
 */
export class RolloutDriver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private holding = false;

  constructor(private readonly deps: DriverDeps) {}

  start(everyMs = 1_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /** True while this replica holds the lease (as of its last tick). */
  get leader(): boolean {
    return this.holding;
  }

  /** One round: the lease, then each due rollout. Concurrent calls share the round in progress. Never throws. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    if (this.holding) await this.deps.rollouts.releaseLease(this.deps.replica).catch(() => undefined);
    this.holding = false;
  }

  private async round(): Promise<void> {
    const { rollouts, logger, replica } = this.deps;
    try {
      const now = this.deps.clock();
      const held = await rollouts.acquireLease(replica, now, this.deps.leaseMs ?? 10_000);
      if (held !== this.holding) logger.info(held ? 'rollout lease taken: this replica drives rollouts' : 'rollout lease lost: another replica drives rollouts', { replica });
      this.holding = held;
      if (held) for (const r of await rollouts.due(now)) await this.analyse(r);
      await this.publish();
    } catch (e) {
      logger.error('rollout round failed; the next tick tries again', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async publish(): Promise<void> {
    if (!this.deps.metrics) return;
    const all = await this.deps.rollouts.list();
    this.deps.metrics.rollouts(all.map((r) => ({ routeId: r.routeId, step: r.step.index, state: r.state })));
  }

  /** Analyses one rollout and acts on the verdict. Exported for the tests through tick(). */
  private async analyse(r: Rollout): Promise<void> {
    const { logger } = this.deps;
    const route = this.deps.baseline().routes.find((x) => x.id === r.routeId);
    if (!route) {
      await this.deps.service.end(r, 'aborted', `route "${r.routeId}" is no longer in routes.json`);
      return;
    }
    const current = await this.deps.state.current();
    const now = this.deps.clock();
    const holds = effectiveState(route, current);
    if (holds.mode !== r.step.route.mode || holds.percent !== r.step.route.percent) {
      const note = `aborted: the route is in ${describeState(holds)}, not ${describeState(r.step.route)} as the rollout left it (changed outside the rollout)`;
      await this.deps.service.end(r, 'aborted', note);
      logger.warn('rollout aborted', { route: r.routeId, rollout: r.id, reason: note });
      return;
    }
    const b = r.step.baseline;
    const data = await this.deps.evidence.data(r.plan);
    const result =
      b.phase === 'shadow'
        ? analyzeShadow(await this.deps.evidence.shadow(r.routeId, b), r.plan, data, now)
        : analyzeCanary(await this.deps.evidence.canary(r.routeId, b), r.plan, data, now);
    const analysis: Analysis = { at: now.toISOString(), step: r.step.index, phase: b.phase, verdict: result.verdict, checks: result.checks, sample: result.sample, summary: summaryOf(result.verdict, result.checks) };
    const after = await this.act(r, analysis, current.version, now);
    logger.info('rollout analysis', {
      route: r.routeId,
      rollout: r.id,
      step: `${r.step.index}/${r.step.of}`,
      mode: describeState(r.step.route),
      verdict: analysis.verdict,
      checks: analysis.checks.map((c) => `${c.name}=${c.verdict}`).join(' '),
      summary: analysis.summary,
      state: after?.state ?? 'unchanged (changed meanwhile)',
      next: after?.nextAnalysisAt ?? null,
    });
  }

  private async act(r: Rollout, analysis: Analysis, version: number, now: Date): Promise<Rollout | null> {
    const { rollouts, move } = this.deps;
    const via = `rollout #${r.id} (${this.deps.replica})`;
    const base: Rollout = { ...r, lastAnalysis: analysis };
    if (analysis.verdict === 'fail') {
      const note = `rolled back at ${stepLabel(r)}: ${analysis.summary}`;
      if (r.step.route.mode !== 'shadow') {
        if (!(await this.moved(() => move(r.routeId, { mode: 'shadow' }, `rollout #${r.id} ${note}`, via, version), r))) return null;
      }
      // The rollout ends holding the route where the rollback put it, so its status says shadow; the note keeps the step that failed.
      const step = r.step.route.mode === 'shadow' ? r.step : { index: 0, of: r.step.of, route: { mode: 'shadow' as const }, startedAt: now.toISOString(), baseline: await this.deps.evidence.baseline(r.routeId, 'shadow', now) };
      return rollouts.update({ ...base, step, state: 'rolled-back', note, nextAnalysisAt: null, endedAt: now.toISOString(), events: withEvent(r, now, 'rolled-back', note) }, now);
    }
    if (analysis.verdict === 'pass') {
      const next = nextStep(r.plan, r.step.route);
      if (next === null) {
        const note = `done: the last step passed, the route stays in ${describeState(r.step.route)}`;
        return rollouts.update({ ...base, state: 'done', note, nextAnalysisAt: null, endedAt: now.toISOString(), events: withEvent(r, now, 'done', note) }, now);
      }
      const index = stepIndex(r.plan, next);
      const label = `step ${index} of ${r.step.of} (${describeState(next)})`;
      const reason = `rollout #${r.id} ${stepLabel(r)} passed, on to ${label}: ${analysis.summary}`;
      if (!(await this.moved(() => move(r.routeId, next, reason, via, version), r))) return null;
      if (next.mode === 'new') {
        const note = 'done: the route is in new (retiring it stays a person\'s step)';
        return rollouts.update({ ...base, step: { ...r.step, index, route: next, startedAt: now.toISOString() }, state: 'done', note, nextAnalysisAt: null, endedAt: now.toISOString(), events: withEvent(r, now, 'done', `${label}: ${note}`) }, now);
      }
      const baseline = await this.deps.evidence.baseline(r.routeId, 'canary', now);
      return rollouts.update(
        {
          ...base,
          state: 'running',
          waits: 0,
          note: null,
          step: { index, of: r.step.of, route: next, startedAt: now.toISOString(), baseline },
          nextAnalysisAt: new Date(now.getTime() + r.plan.intervalMs).toISOString(),
          events: withEvent(r, now, 'step', `${label}: ${analysis.summary}`),
        },
        now,
      );
    }
    // no-data or inconclusive: wait, and after enough empty intervals in a row, pause for a person.
    const waits = r.waits + 1;
    if (waits >= r.plan.pauseAfterNoData) {
      const note = `paused after ${waits} analyses in a row without a decision (${analysis.verdict}) at ${stepLabel(r)}: ${analysis.summary}; \`strangler routes rollout resume ${r.routeId}\` carries on`;
      return rollouts.update({ ...base, state: 'paused', waits, note, nextAnalysisAt: null, events: withEvent(r, now, 'paused', note) }, now);
    }
    return rollouts.update({ ...base, state: 'waiting-for-data', waits, nextAnalysisAt: new Date(now.getTime() + r.plan.intervalMs).toISOString() }, now);
  }

  /**
   * Makes the route move, pinned to the state version the analysis read: a change made meanwhile (a
   * person's flip, which also aborts the rollout) wins, and this round does nothing more.
   */
  private async moved(doMove: () => Promise<unknown>, r: Rollout): Promise<boolean> {
    const still = await this.deps.rollouts.get(r.id);
    if (!still || still.revision !== r.revision) return false;
    try {
      await doMove();
      return true;
    } catch (e) {
      if (e instanceof ControlError && e.code === 'stale-version') return false;
      // The route cannot take the step (routes.json changed under it, say): the rollout ends, saying why.
      const note = `aborted: the route could not be moved: ${e instanceof Error ? e.message : String(e)}`;
      await this.deps.service.end(r, 'aborted', note);
      this.deps.logger.error('rollout aborted', { route: r.routeId, rollout: r.id, reason: note });
      return false;
    }
  }
}
