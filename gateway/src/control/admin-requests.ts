import { z } from 'zod';
import { ROUTE_MODES } from '../config/schema';
import { ControlError } from './errors';
import { parseDuration } from '../config/rollout-schema';
import type { RolloutActionRequest, RolloutStartRequest } from './rollout/types';
import type { FlipRequest, RollbackRequest } from './types';

/**
 * What the admin API accepts, checked strictly: an unknown key is refused, never ignored. A flip
 * can only name a mode; it has no field for a URL or an upstream, so the API can only select the
 * sides routes.json declares (no SSRF), and no field for an audit entry's id, version, time or
 * from-state (the log is written by the store alone).
 */

const reason = z.string().max(2_000);
/** Same bound as the audit log's actor column, so what is recorded is what was sent. */
const actor = z.string().max(200);

export const FlipBodySchema = z
  .object({ to: z.enum(ROUTE_MODES), percent: z.number().optional(), reason, force: z.boolean().optional(), actor: actor.optional() })
  .strict();

/** A rollout's plan over routes.json's: each field optional; the steps and sample are checked again against the route by the control. */
export const RolloutStartBodySchema = z
  .object({
    steps: z.array(z.number()).min(1).max(20).optional(),
    interval: z
      .string()
      .max(16)
      .refine((v) => (parseDuration(v) ?? 0) >= 1_000, 'must be a duration of at least 1s, such as 3s, 30s, 5m')
      .optional(),
    minRequests: z.number().int().min(1).max(1_000_000).optional(),
    reason: reason.optional(),
    actor: actor.optional(),
  })
  .strict();

export const RolloutActionBodySchema = z.object({ reason: reason.optional(), actor: actor.optional() }).strict();

export const ROLLOUT_ACTIONS = ['pause', 'resume', 'abort'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export function parseRolloutStart(body: unknown): RolloutStartRequest {
  const b = parse(RolloutStartBodySchema, body ?? {}, 'rollout start refused');
  const intervalMs = b.interval === undefined ? undefined : (parseDuration(b.interval) ?? undefined);
  return {
    ...(b.steps ? { steps: b.steps } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(b.minRequests !== undefined ? { minRequests: b.minRequests } : {}),
    ...(b.reason !== undefined ? { reason: b.reason } : {}),
    ...(b.actor !== undefined ? { actor: b.actor } : {}),
  };
}

export function parseRolloutAction(body: unknown): RolloutActionRequest {
  return parse(RolloutActionBodySchema, body ?? {}, 'rollout request refused');
}

export const RollbackBodySchema = z.object({ reason: reason.optional(), actor: actor.optional() }).strict();

const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const token = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}$/, 'must be an HTTP method');

const ExplainQuerySchema = z
  .object({ method: token.default('GET'), path: z.string().min(1).max(8_192), since: isoTime.optional() })
  .strict();

const HistoryQuerySchema = z
  .object({
    route: z.string().min(1).max(128).optional(),
    limit: z
      .string()
      .regex(/^\d{1,5}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1).max(10_000))
      .optional(),
  })
  .strict();

const ShadowReportQuerySchema = z.object({ route: z.string().min(1).max(128).optional(), since: isoTime.optional() }).strict();

/** How far back `explain` counts traffic (and the shadow report looks) when the caller does not say. */
export const DEFAULT_SINCE_MS = 24 * 60 * 60 * 1000;

export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** Every issue, each with its path; an unknown-keys issue becomes one issue per key so each key is named. */
function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.flatMap((i): Issue[] => {
    const at = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ path: at ? `${at}.${k}` : k, message: 'unknown field: not accepted here' }));
    }
    return [{ path: at || '(root)', message: i.message }];
  });
}

export function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new ControlError('invalid-request', `${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

export function parseFlip(body: unknown): FlipRequest {
  return parse(FlipBodySchema, body, 'flip request refused');
}

export function parseRollback(body: unknown): RollbackRequest {
  return parse(RollbackBodySchema, body ?? {}, 'rollback request refused');
}

export function parseExplainQuery(query: unknown, now: Date): { method: string; path: string; since: Date } {
  const q = parse(ExplainQuerySchema, query, 'explain query refused');
  return { method: q.method, path: q.path, since: q.since === undefined ? new Date(now.getTime() - DEFAULT_SINCE_MS) : new Date(q.since) };
}

export function parseShadowReportQuery(query: unknown, now: Date): { route: string | undefined; since: Date } {
  const q = parse(ShadowReportQuerySchema, query, 'shadow report query refused');
  return { route: q.route, since: q.since === undefined ? new Date(now.getTime() - DEFAULT_SINCE_MS) : new Date(q.since) };
}

export function parseHistoryQuery(query: unknown): { route?: string; limit?: number } {
  return parse(HistoryQuerySchema, query, 'history query refused');
}

/**
 * `If-Match: "<version>"` (the ETag the API sent) or a bare version pins a change to the state
 * the caller saw; `*` pins nothing. Anything else is refused rather than ignored, because a
 * caller who sent a precondition expects it to be enforced.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const m = /^(?:"(\d{1,15})"|(\d{1,15}))$/.exec(value);
  const digits = m?.[1] ?? m?.[2];
  if (digits === undefined) {
    throw new ControlError('invalid-request', `If-Match must be a state version such as "3" (the ETag of GET /admin/routes), not ${JSON.stringify(header)}`);
  }
  return Number(digits);
}
