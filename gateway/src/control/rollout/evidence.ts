import type { Knex } from 'knex';
import type { ShadowStore } from '../../shadow/results-store';
import type { DataEvidence, CanaryEvidence, ShadowEvidence } from './evidence-types';
import { CanaryOutcomeStore, sideSince } from './outcomes';
import { RolloutStore } from './rollout-store';
import type { Baseline, ResolvedPlan } from './types';

export interface EvidenceDeps {
  readonly shadow: Pick<ShadowStore, 'report'>;
  readonly outcomes: Pick<CanaryOutcomeStore, 'totals'>;
  readonly verifications: Pick<RolloutStore, 'lastVerification'>;
}

/**
 * Reads what a step has gathered since it began, across the fleet: the shadow comparison (the
 * same noise-cancelled record as `shadow report`) or the canary outcomes, each as the difference
 * from the snapshot taken when the step began, read over the same window.
 */
export class RolloutEvidence {
  constructor(private readonly deps: EvidenceDeps) {}

  /** The snapshot a step starts from. */
  async baseline(routeId: string, phase: 'shadow' | 'canary', now: Date): Promise<Baseline> {
    const since = now.toISOString();
    if (phase === 'canary') {
      const t = await this.deps.outcomes.totals(routeId, now);
      return { phase, since, fresh: t.fresh, legacy: t.legacy };
    }
    const s = await this.shadowTotals(routeId, now);
    return { phase, since, ...s };
  }

  async shadow(routeId: string, b: Extract<Baseline, { phase: 'shadow' }>): Promise<ShadowEvidence> {
    const now = await this.shadowTotals(routeId, new Date(b.since));
    const compared = Math.max(0, now.compared - b.compared);
    // Matches are judged on today's noise verdicts for both readings, so a field learned to be noise meanwhile can move them a little: kept within what was compared.
    return { compared, matches: Math.min(compared, Math.max(0, now.matches - b.matches)), newFailures: Math.max(0, now.newFailures - b.newFailures) };
  }

  async canary(routeId: string, b: Extract<Baseline, { phase: 'canary' }>): Promise<CanaryEvidence> {
    const now = await this.deps.outcomes.totals(routeId, new Date(b.since));
    const fresh = sideSince(now.fresh, b.fresh);
    const legacy = sideSince(now.legacy, b.legacy);
    return { fresh, legacy };
  }

  async data(plan: ResolvedPlan): Promise<DataEvidence | null> {
    if (!plan.data) return null;
    const last = await this.deps.verifications.lastVerification(plan.data.context);
    return {
      context: plan.data.context,
      maxAgeMs: plan.data.maxAgeMs,
      last: last && { at: new Date(last.at), clean: last.clean, summary: `${last.missing} missing, ${last.extra} extra, ${last.different} different of ${last.legacyRows} legacy rows` },
    };
  }

  private async shadowTotals(routeId: string, since: Date): Promise<ShadowEvidence> {
    const [r] = await this.deps.shadow.report(routeId, since);
    return { compared: r?.compared ?? 0, matches: r?.matches ?? 0, newFailures: (r?.newErrors ?? 0) + (r?.newTimeouts ?? 0) };
  }
}

/** The rollout store and its evidence over one database (the state store's), tables created: what a control service needs for rollouts. */
export async function openRolloutParts(db: Knex, shadow: Pick<ShadowStore, 'report'>): Promise<{ store: RolloutStore; evidence: RolloutEvidence }> {
  const store = new RolloutStore(db);
  const outcomes = new CanaryOutcomeStore(db);
  await store.migrate();
  await outcomes.migrate();
  return { store, evidence: new RolloutEvidence({ shadow, outcomes, verifications: store }) };
}
