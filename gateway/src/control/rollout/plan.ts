import { DEFAULT_INTERVAL_MS, DEFAULT_MIN_REQUESTS, DEFAULT_STEPS, RolloutPlanSchema, checkSteps, parseDuration } from '../../config/rollout-schema';
import type { CompiledRoute } from '../../config/table';
import { ControlError } from '../errors';
import type { RouteState } from '../types';
import type { ResolvedPlan, RolloutStartRequest } from './types';

/** The no-data limit and canary thresholds when routes.json names none (the schema's own defaults). */
const SCHEMA_DEFAULTS = RolloutPlanSchema.parse({});

/**
 * The plan a rollout runs by: the start request's steps, interval and minimum sample over the
 * route's `rollout` in routes.json, over the defaults (5, 25, 50, 100 every minute, 100 requests a
 * step). The shadow thresholds are the route's flip gate: the rollout holds the new side to the
 * same bar a person's flip is held to, through a confidence bound instead of a point estimate.
 */
export function resolvePlan(route: CompiledRoute, request: RolloutStartRequest): ResolvedPlan {
  const own = route.config.rollout ?? SCHEMA_DEFAULTS;
  const steps = [...(request.steps ?? own.steps ?? DEFAULT_STEPS)];
  const bad = checkSteps(steps);
  if (bad) throw new ControlError('invalid-request', `steps ${steps.join(',')}: ${bad}`);
  const intervalMs = request.intervalMs ?? (own.interval !== undefined ? parseDuration(own.interval) : null) ?? DEFAULT_INTERVAL_MS;
  if (intervalMs < 1_000) throw new ControlError('invalid-request', 'the interval must be at least 1s');
  const gate = route.shadow?.config.gate;
  return {
    steps,
    intervalMs,
    minRequests: request.minRequests ?? own.minRequests ?? DEFAULT_MIN_REQUESTS,
    pauseAfterNoData: own.pauseAfterNoData,
    shadow: { minMatchRate: gate?.minMatchRate ?? 0.99, maxNewErrorRate: gate?.maxNewErrorRate ?? 0.01 },
    canary: own.canary,
    data: own.data ? { context: own.data.context, maxAgeMs: parseDuration(own.data.maxAge) ?? 86_400_000 } : null,
  };
}

/** Where a route state sits in a plan: 0 in shadow, else how many steps it has reached (a share between steps counts as the one below). */
export function stepIndex(plan: ResolvedPlan, state: RouteState): number {
  if (state.mode === 'new') return plan.steps.length;
  if (state.mode !== 'canary') return 0;
  return plan.steps.filter((s) => s <= (state.percent ?? 0)).length;
}

/** The state of the next step after `state`, or null when the plan has no step beyond it. */
export function nextStep(plan: ResolvedPlan, state: RouteState): RouteState | null {
  const at = state.mode === 'canary' ? (state.percent ?? 0) : state.mode === 'new' ? 100 : 0;
  const next = plan.steps.find((s) => s > at);
  if (next === undefined) return null;
  return next === 100 ? { mode: 'new' } : { mode: 'canary', percent: next };
}
