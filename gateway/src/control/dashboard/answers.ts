import { z } from 'zod';
import { ROUTE_MODES } from '../../config/schema';
import { RouteStateSchema } from '../types';

/**
 * What the dashboard's own admin endpoints answer: one zod schema each, the single source of the
 * types the server sends and the page reads (the page imports the types only, so no zod ships to
 * the browser). Plain JSON throughout; times are ISO strings in UTC.
 */

const side = z.enum(['legacy', 'new']);
const nullableNumber = z.number().nullable();

/** A side's answers as this replica saw them since it started (/metrics' counters). */
export const SideStatsSchema = z.object({ requests: z.number(), errors: z.number(), errorRate: nullableNumber, p99Ms: nullableNumber }).readonly();
export type SideStats = z.infer<typeof SideStatsSchema>;

/** The shadow comparison, summed: the match rate with its sample size, noise and Wilson lower bound. */
export const ShadowSummarySchema = z
  .object({
    since: z.string(),
    compared: z.number(),
    matches: z.number(),
    matchRate: nullableNumber,
    /** Wilson score interval's lower end at 95%: what the match rate is at least, given the sample size. */
    lowerBound: nullableNumber,
    noiseSampled: z.number(),
    realFields: z.number(),
    noiseFields: z.number(),
    newErrorRate: nullableNumber,
    p99Ms: z.object({ legacy: nullableNumber, new: nullableNumber }).readonly(),
    /** The route's gate: the match rate and error rate a flip ahead must show, and the sample it needs. */
    gate: z.object({ minCompared: z.number(), minMatchRate: z.number(), maxNewErrorRate: z.number() }).readonly().nullable(),
  })
  .readonly();
export type ShadowSummary = z.infer<typeof ShadowSummarySchema>;

export const UpstreamHealthSchema = z
  .object({
    upstream: z.string(),
    side,
    /** closed, open or half-open; null when the upstream has had no breaker yet. */
    circuit: z.string().nullable(),
    healthy: z.number(),
    total: z.number(),
    /** Each instance that is not healthy: `<instance> <state>: <why>`. */
    problems: z.array(z.string()).readonly(),
  })
  .readonly();

export const RouteOverviewSchema = z
  .object({
    id: z.string(),
    path: z.string(),
    methods: z.array(z.string()).readonly().nullable(),
    mode: z.enum(ROUTE_MODES),
    percent: nullableNumber,
    /** "routes.json", or the state version of the flip that set the mode. */
    source: z.string(),
    legacy: z.string().nullable(),
    new: z.string().nullable(),
    /** Requests per minute to each side over the last hour, oldest minute first, every replica. */
    perMinute: z.object({ legacy: z.array(z.number()).readonly(), new: z.array(z.number()).readonly() }).readonly(),
    lastHit: z.object({ legacy: z.string().nullable(), new: z.string().nullable() }).readonly(),
    shadow: ShadowSummarySchema.nullable(),
    live: z.object({ legacy: SideStatsSchema, new: SideStatsSchema }).readonly(),
    health: z.array(UpstreamHealthSchema).readonly(),
  })
  .readonly();
export type RouteOverview = z.infer<typeof RouteOverviewSchema>;

export const FreshnessSchema = z
  .object({
    context: z.string(),
    backfill: z.object({ state: z.string(), updatedAt: z.string(), rows: z.number(), rejected: z.number() }).readonly().nullable(),
    sync: z.object({ lastRunAt: z.string(), highWaterMark: z.string().nullable() }).readonly().nullable(),
    verify: z
      .object({ at: z.string(), clean: z.boolean(), legacyRows: z.number(), serviceRows: z.number(), matching: z.number(), missing: z.number(), extra: z.number(), different: z.number(), refused: z.number() })
      .readonly()
      .nullable(),
    /** The routes whose new side is this context's service (by upstream name). */
    routes: z.array(z.string()).readonly(),
    problems: z.array(z.string()).readonly(),
  })
  .readonly();
export type Freshness = z.infer<typeof FreshnessSchema>;

export const OverviewSchema = z
  .object({
    version: z.number().int(),
    at: z.string(),
    counts: z.record(z.string(), z.number()),
    routes: z.array(RouteOverviewSchema).readonly(),
    data: z.array(FreshnessSchema).readonly(),
    /** True when this gateway serves automatic rollouts (GET /admin/rollouts): the page shows their panel. */
    rollouts: z.boolean(),
  })
  .readonly();
export type Overview = z.infer<typeof OverviewSchema>;

export const BURNDOWN_RANGES = { '1h': [60, 1], '6h': [360, 5], '24h': [1_440, 15], '7d': [10_080, 120], '28d': [40_320, 360] } as const;
export type BurndownRange = keyof typeof BURNDOWN_RANGES;

export const BurndownSchema = z
  .object({
    range: z.string(),
    bucketMinutes: z.number(),
    /** One point per bucket, oldest first, empty buckets included. */
    points: z.array(z.object({ at: z.string(), legacy: z.number(), new: z.number() }).readonly()).readonly(),
  })
  .readonly();
export type Burndown = z.infer<typeof BurndownSchema>;

export const PreviewSchema = z
  .object({
    routeId: z.string(),
    action: z.enum(['flip', 'rollback']),
    from: RouteStateSchema,
    to: RouteStateSchema.nullable(),
    /** What will answer afterwards, in words. */
    effect: z.string(),
    allowed: z.boolean(),
    /** Why the control code would refuse it, with its code and numbers. */
    refusal: z.object({ code: z.string(), message: z.string(), reasons: z.array(z.string()).readonly() }).readonly().nullable(),
    gate: z
      .object({ applies: z.boolean(), ok: z.boolean(), reasons: z.array(z.string()).readonly(), since: z.string().nullable(), summary: ShadowSummarySchema.nullable() })
      .readonly(),
    /** The state version this preview was made on: the flip sends it as If-Match, so nothing moved in between. */
    version: z.number().int(),
  })
  .readonly();
export type Preview = z.infer<typeof PreviewSchema>;

export const RouteTrafficSchema = z
  .object({
    routeId: z.string(),
    since: z.string(),
    upstreams: z.array(z.object({ upstream: z.string(), side, requests: z.number(), lastSeen: z.string().nullable() }).readonly()).readonly(),
    instances: z
      .array(z.object({ upstream: z.string(), instance: z.string(), state: z.string(), inFlight: z.number(), ejections: z.number(), tries: z.number(), why: z.string().nullable() }).readonly())
      .readonly(),
  })
  .readonly();
export type RouteTraffic = z.infer<typeof RouteTrafficSchema>;

export const DASHBOARD_ANSWERS = { overview: OverviewSchema, burndown: BurndownSchema, preview: PreviewSchema, routeTraffic: RouteTrafficSchema } as const;
