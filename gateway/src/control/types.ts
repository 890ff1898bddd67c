import { z } from 'zod';
import { checkPercent } from '../config/modes';
import { ROUTE_MODES, type RouteMode } from '../config/schema';
import type { RouteShadowReport } from '../shadow/types';

/**
 * The control plane's vocabulary, shared by the state store, the control service, the admin API
 * and the CLI. Every shape here is plain JSON: the admin API sends exactly these objects and the
 * CLI prints them, whether it talks to the API or to the store directly. What is stored or sent
 * is a zod schema, the one source of its type, so the store reads its rows and the admin client
 * reads the API's answers with the same definition the writer used.
 */

/** A canary share: more than 0, less than 100, two decimals at most (the flip's own rule). */
const PercentSchema = z.number().superRefine((p, ctx) => {
  const bad = checkPercent(p);
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

const stateShape = { mode: z.enum(ROUTE_MODES), percent: PercentSchema.optional() };

/** A canary carries its share and no other mode does: a state missing one would send 0% (or a stale share) to new. */
function percentFitsMode(s: { readonly mode: RouteMode; readonly percent?: number | undefined }, ctx: z.RefinementCtx): void {
  if (s.mode === 'canary' && s.percent === undefined) ctx.addIssue({ code: 'custom', path: ['percent'], message: 'mode canary needs a percent' });
  if (s.mode !== 'canary' && s.percent !== undefined) ctx.addIssue({ code: 'custom', path: ['percent'], message: `a percent only applies to mode canary, not ${s.mode}` });
}

/** Who answers a route: its mode, and for `canary` the share (0 < percent < 100) answered by new. */
export const RouteStateSchema = z.object(stateShape).superRefine(percentFitsMode).readonly();
export type RouteState = z.infer<typeof RouteStateSchema>;

/** A route's runtime state, with the version of the change that set it. */
export const OverlayEntrySchema = z
  .object({ ...stateShape, version: z.number().int().positive() })
  .superRefine(percentFitsMode)
  .readonly();
export type OverlayEntry = z.infer<typeof OverlayEntrySchema>;

/** The runtime flips over routes.json: route id → state. Routes absent here follow the file. */
export const OverlaySchema = z.record(z.string(), OverlayEntrySchema).readonly();
export type Overlay = z.infer<typeof OverlaySchema>;

export interface StateVersion {
  /** 0 before the first flip; each flip or rollback adds one. */
  readonly version: number;
  readonly overlay: Overlay;
}

const IssueSchema = z.object({ path: z.string(), message: z.string() }).readonly();

/**
 * A stored state version this gateway cannot read (written by a newer gateway, or damaged), with
 * the JSON path of every bad field. The gateway keeps serving the newest version it can read.
 */
export const UnreadableVersionSchema = z.object({ version: z.number().int(), issues: z.array(IssueSchema).readonly() }).readonly();
export type UnreadableVersion = z.infer<typeof UnreadableVersionSchema>;

/** One line of the append-only audit log. */
export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    /** The state version this change created. */
    version: z.number().int(),
    /** ISO-8601 time of the change. */
    at: z.string(),
    /** Who: the operator's name as given, else the OS user (CLI) or "admin-token" (API). */
    actor: z.string(),
    /** Through what: e.g. "cli --store", "admin-api 127.0.0.1". */
    via: z.string(),
    routeId: z.string(),
    action: z.enum(['flip', 'rollback']),
    from: RouteStateSchema,
    to: RouteStateSchema,
    reason: z.string(),
    /** True when a refused move was made with --force. */
    forced: z.boolean(),
    /** For a rollback, the id of the entry it undid. */
    undoes: z.number().int().nullable(),
  })
  .readonly();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** A route as `routes list` shows it. */
export const RouteViewSchema = z
  .object({
    id: z.string(),
    path: z.string(),
    methods: z.array(z.string()).readonly().nullable(),
    state: RouteStateSchema,
    /** Where the state comes from: "routes.json", or the version of the flip that set it. */
    source: z.union([z.literal('routes.json'), z.object({ version: z.number().int() }).readonly()]),
    legacy: z.string().nullable(),
    new: z.string().nullable(),
  })
  .readonly();
export type RouteView = z.infer<typeof RouteViewSchema>;

/** Versions newer than the one shown that this gateway could not read; absent when there are none. */
const unreadable = z.array(UnreadableVersionSchema).readonly().optional();

export const RouteListSchema = z
  .object({
    version: z.number().int(),
    routes: z.array(RouteViewSchema).readonly(),
    /** Overlay entries naming routes that routes.json no longer has (kept, but applied to nothing). */
    orphans: z.array(z.string()).readonly(),
    unreadable,
  })
  .readonly();
export type RouteList = z.infer<typeof RouteListSchema>;

export interface FlipRequest {
  readonly to: RouteMode;
  readonly percent?: number;
  readonly reason: string;
  readonly force?: boolean;
  /** Optional operator name, recorded in the audit log. */
  readonly actor?: string;
}

export interface RollbackRequest {
  readonly reason?: string;
  readonly actor?: string;
}

/** What a flip or rollback did. */
export const ChangeResultSchema = z
  .object({
    version: z.number().int(),
    entry: AuditEntrySchema,
    /** The id of the rollout this change ended: a person's flip or rollback takes the route out of a rollout's hands. */
    abortedRollout: z.number().int().optional(),
  })
  .readonly();
export type ChangeResult = z.infer<typeof ChangeResultSchema>;

/** Requests an upstream received for a route since a time, across every replica that reports to the store. */
export const TrafficCountSchema = z
  .object({
    upstream: z.string(),
    requests: z.number(),
    /** ISO time of the last minute with traffic, or null. */
    lastSeen: z.string().nullable(),
  })
  .readonly();
export type TrafficCount = z.infer<typeof TrafficCountSchema>;

export const ExplanationSchema = z
  .object({
    method: z.string(),
    /** The normalised path that was matched. */
    path: z.string(),
    version: z.number().int(),
    route: RouteViewSchema.nullable(),
    /** Why this route: its pattern, the other routes that also match and why they lose. */
    why: z.array(z.string()).readonly(),
    /** Which side would answer, in words: e.g. "new (catalog); legacy is never called". */
    answer: z.string(),
    since: z.string(),
    traffic: z.array(TrafficCountSchema).readonly(),
    /**
     * The circuit breaker of each upstream the route names, as the gateway answering the admin API
     * sees it; absent when explain runs on the store alone (no live gateway, no breaker).
     */
    circuits: z
      .array(z.object({ upstream: z.string(), state: z.string(), retryAfterMs: z.number().optional() }).readonly())
      .readonly()
      .optional(),
    /** The instances of each upstream the route names, with their state and why; absent without a live gateway. */
    instances: z
      .array(z.object({ upstream: z.string(), instance: z.string(), state: z.string(), inFlight: z.number(), ejections: z.number(), why: z.string().optional() }).readonly())
      .readonly()
      .optional(),
    unreadable,
  })
  .readonly();
export type Explanation = z.infer<typeof ExplanationSchema>;

/** The operations both the CLI and the admin API offer, implemented once (ControlService) and over HTTP (AdminClient). */
export interface Control {
  list(): Promise<RouteList>;
  explain(method: string, path: string, since: Date): Promise<Explanation>;
  /** `ifMatch`: the state version the caller saw; a newer one refuses the change (StaleVersionError). */
  flip(routeId: string, request: FlipRequest, via: string, ifMatch?: number): Promise<ChangeResult>;
  rollback(routeId: string, request: RollbackRequest, via: string, ifMatch?: number): Promise<ChangeResult>;
  history(routeId?: string, limit?: number): Promise<readonly AuditEntry[]>;
  /** Shadow comparison results since a time: one route's (empty when it has none yet), or those of every route that has results. */
  shadowReport(routeId: string | undefined, since: Date): Promise<RouteShadowReport[]>;
}
