import { z } from 'zod';
import { RouteStateSchema } from '../types';

/**
 * The vocabulary of automatic rollouts, shared by the store, the driver, the admin API and the CLI.
 * Plain JSON throughout: the store keeps a rollout as this document, the admin API sends it as
 * is, and the CLI (or a dashboard) prints it.
 */

/** running: judging each interval; waiting-for-data: the last analysis had too little (or undecided) evidence; paused: waits for a person. */
export const ROLLOUT_STATES = ['running', 'waiting-for-data', 'paused', 'done', 'rolled-back', 'aborted'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** The states in which a rollout holds its route: at most one such rollout per route. */
export const ACTIVE_STATES: readonly RolloutState[] = ['running', 'waiting-for-data', 'paused'];
export const isActive = (s: RolloutState): boolean => ACTIVE_STATES.includes(s);

/**
 * pass: advance one step; fail: roll back; no-data: too few requests, wait; inconclusive: enough
 * requests, but the confidence interval still straddles the threshold, wait for more.
 */
export const VERDICTS = ['pass', 'fail', 'no-data', 'inconclusive'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

/** The resolved plan a rollout runs by (routes.json's `rollout`, the flags over it, the defaults under it). */
export const ResolvedPlanSchema = z
  .object({
    steps: z.array(z.number()).readonly(),
    intervalMs: z.number().int().positive(),
    minRequests: z.number().int().positive(),
    pauseAfterNoData: z.number().int().positive(),
    shadow: z.object({ minMatchRate: z.number(), maxNewErrorRate: z.number() }).readonly(),
    canary: z.object({ maxErrorRateIncrease: z.number(), maxP99Factor: z.number(), p99FloorMs: z.number() }).readonly(),
    data: z.object({ context: z.string(), maxAgeMs: z.number() }).readonly().nullable(),
  })
  .readonly();
export type ResolvedPlan = z.infer<typeof ResolvedPlanSchema>;

/** One check of one analysis: what was measured, against what, and what it decided. */
export const CheckSchema = z
  .object({
    name: z.string(),
    /** The measured value (a share, milliseconds, hours…); null when there was nothing to measure. */
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    verdict: VerdictSchema,
    /** The numbers behind it in words, e.g. "lower bound 99.2% of 412/414 matching ≥ 99.0%". */
    detail: z.string(),
  })
  .readonly();
export type Check = z.infer<typeof CheckSchema>;

const sideSample = z.object({ requests: z.number(), failures: z.number(), p99Ms: z.number().nullable() }).readonly();

/** The traffic an analysis judged, since its step began. */
export const SampleSchema = z
  .object({
    /** Shadow: requests compared, and those without a real difference. */
    compared: z.number().optional(),
    matches: z.number().optional(),
    fresh: sideSample,
    legacy: sideSample.optional(),
  })
  .readonly();
export type Sample = z.infer<typeof SampleSchema>;

export const AnalysisSchema = z
  .object({
    at: z.string(),
    /** The step judged: 0 is shadow, 1…N the plan's steps. */
    step: z.number().int(),
    phase: z.enum(['shadow', 'canary']),
    verdict: VerdictSchema,
    checks: z.array(CheckSchema).readonly(),
    sample: SampleSchema,
    /** In words, for the log, the audit and the status. */
    summary: z.string(),
  })
  .readonly();
export type Analysis = z.infer<typeof AnalysisSchema>;

const histogram = z.object({ counts: z.array(z.number()), count: z.number(), sumMs: z.number() });
export const SideTotalsSchema = z.object({ requests: z.number(), failures: z.number(), fallbacks: z.number(), latency: histogram });
export type SideTotals = z.infer<typeof SideTotalsSchema>;

/**
 * What the evidence stores held when a step began: the analysis judges what was added since. The
 * stores aggregate by hour or minute and every replica adds to them, so a step's own traffic is
 * the difference from this snapshot, read over the same window.
 */
export const BaselineSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('shadow'), since: z.string(), compared: z.number(), matches: z.number(), newFailures: z.number() }),
  z.object({ phase: z.literal('canary'), since: z.string(), fresh: SideTotalsSchema, legacy: SideTotalsSchema }),
]);
export type Baseline = z.infer<typeof BaselineSchema>;

export const RolloutEventSchema = z.object({ at: z.string(), kind: z.string(), detail: z.string() }).readonly();
export type RolloutEvent = z.infer<typeof RolloutEventSchema>;

/** A rollout as stored and as the admin API sends it. */
export const RolloutSchema = z
  .object({
    id: z.number().int(),
    /** Grows with every change: a write made on an older revision is refused (another replica or a person got there first). */
    revision: z.number().int(),
    routeId: z.string(),
    state: z.enum(ROLLOUT_STATES),
    plan: ResolvedPlanSchema,
    startedAt: z.string(),
    /** Who started it, and why. */
    actor: z.string(),
    reason: z.string(),
    step: z
      .object({
        /** 0: shadow; 1…N: the plan's steps (a canary share between steps counts as the step below it). */
        index: z.number().int(),
        of: z.number().int(),
        /** The route state this step holds it in. */
        route: RouteStateSchema,
        startedAt: z.string(),
        baseline: BaselineSchema,
      })
      .readonly(),
    /** No-data or inconclusive analyses in a row. */
    waits: z.number().int(),
    /** When the next analysis runs; null once it ended or while it is paused. */
    nextAnalysisAt: z.string().nullable(),
    lastAnalysis: AnalysisSchema.nullable(),
    /** Why it is paused (a person's reason, or the no-data limit), or why it ended. */
    note: z.string().nullable(),
    endedAt: z.string().nullable(),
    /** What happened, oldest first (the newest 50). */
    events: z.array(RolloutEventSchema).readonly(),
  })
  .readonly();
export type Rollout = z.infer<typeof RolloutSchema>;

/** The replica that drives rollouts, as the lease in the state store says. */
export const LeaseSchema = z.object({ holder: z.string(), until: z.string() }).readonly();
export type Lease = z.infer<typeof LeaseSchema>;

/** `rollout status`: the route's current (or last) rollout, and who drives it. */
export const RolloutStatusSchema = z.object({ rollout: RolloutSchema, lease: LeaseSchema.nullable() }).readonly();
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

export const RolloutListSchema = z.object({ rollouts: z.array(RolloutSchema).readonly(), lease: LeaseSchema.nullable() }).readonly();
export type RolloutList = z.infer<typeof RolloutListSchema>;

/** What `rollout start` asks for; absent fields come from routes.json's plan, then the defaults. */
export interface RolloutStartRequest {
  readonly steps?: readonly number[];
  readonly intervalMs?: number;
  readonly minRequests?: number;
  readonly reason?: string;
  readonly actor?: string;
}

export interface RolloutActionRequest {
  readonly reason?: string;
  readonly actor?: string;
}

/** A recorded `strangler verify`: when, for which context, and whether legacy and the service agreed. */
export const VerificationSchema = z
  .object({
    context: z.string(),
    at: z.string(),
    clean: z.boolean(),
    legacyRows: z.number(),
    serviceRows: z.number(),
    missing: z.number(),
    extra: z.number(),
    different: z.number(),
  })
  .readonly();
export type Verification = z.infer<typeof VerificationSchema>;

/** The rollout operations, offered by the control service (CLI on the store, admin API) and by the admin client alike. */
export interface RolloutControl {
  rolloutStart(routeId: string, request: RolloutStartRequest, via: string): Promise<RolloutStatus>;
  /** The route's active rollout, else its last one; no-rollout when it never had one. */
  rolloutStatus(routeId: string): Promise<RolloutStatus>;
  /** The newest rollout of every route that had one. */
  rolloutList(): Promise<RolloutList>;
  rolloutPause(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus>;
  rolloutResume(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus>;
  /** Ends the rollout; the route stays where it is. */
  rolloutAbort(routeId: string, request: RolloutActionRequest, via: string): Promise<RolloutStatus>;
}
