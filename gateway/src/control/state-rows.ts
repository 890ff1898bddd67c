import { z } from 'zod';
import { describeIssues, fieldIssues, storedBoolean, storedInteger, storedJson } from '../../../platform';
import { ROUTE_MODES, type RouteMode } from '../config/schema';
import { ControlError } from './errors';
import { OverlaySchema, type AuditEntry, type RouteState, type StateVersion, type UnreadableVersion } from './types';

/**
 * The state store's rows as the drivers return them, parsed at the boundary. Replicas of several
 * gateway versions share one store during an upgrade, so a row may hold what this version does not
 * know (a new mode, a new shape): it is reported as unreadable, naming the field, never cast into a
 * type it does not have.
 */

export const STATE = 'strangler_route_state';
export const AUDIT = 'strangler_route_audit';
export const TRAFFIC = 'strangler_route_traffic';
/** One row (id 1): the route ids of the table this store belongs to, so that a gateway for another table does not join it. */
export const TABLE = 'strangler_route_table';

/** A row of the state table; only `overlay` can hold what another gateway version wrote. */
const StateRowSchema = z.object({ version: storedInteger, overlay: storedJson(OverlaySchema) });

/** The version column alone, read first so that an unreadable overlay can still be named by its version. */
const VersionSchema = z.object({ version: storedInteger });

export type StateRead = { readonly ok: true; readonly state: StateVersion } | { readonly ok: false; readonly unreadable: UnreadableVersion };

/** A state row read: its version, or why this gateway cannot apply it (each bad field by its path from `overlay` on). */
export function readStateRow(row: unknown): StateRead {
  const version = VersionSchema.parse(row).version;
  const parsed = StateRowSchema.safeParse(row);
  if (parsed.success) return { ok: true, state: { version, overlay: parsed.data.overlay } };
  return { ok: false, unreadable: { version, issues: fieldIssues(parsed.error) } };
}

/** The refusal to act on a state version this gateway cannot read: building a new version on it would drop what it says. */
export function unreadableVersionError(u: UnreadableVersion): ControlError {
  return new ControlError(
    'unreadable-state',
    `route state version ${u.version} cannot be read by this gateway (written by another gateway version?): ${describeIssues(u.issues)}`,
    { version: u.version, issues: u.issues },
  );
}

/** MAX(version): NULL on an empty table. */
export const LatestRowSchema = z.object({ v: storedInteger.nullable() });

/** Percentages are stored as integer hundredths: no float or DECIMAL-as-string surprises. */
export const toHundredths = (p: number | undefined): number | null => (p === undefined ? null : Math.round(p * 100));

const hundredths = storedInteger.pipe(z.number().min(1, 'must be more than 0').max(9_999, 'must be less than 100 (10000 hundredths)')).nullable();

/** Same rule as an overlay entry's: canary has its share, other modes have none. */
function stateFits(mode: RouteMode, h: number | null, column: string, ctx: z.RefinementCtx): void {
  if (mode === 'canary' && h === null) ctx.addIssue({ code: 'custom', path: [column], message: 'mode canary needs a percent' });
  if (mode !== 'canary' && h !== null) ctx.addIssue({ code: 'custom', path: [column], message: `a percent only applies to mode canary, not ${mode}` });
}

const stateOf = (mode: RouteMode, h: number | null): RouteState => (h === null ? { mode } : { mode, percent: h / 100 });

const AuditRowSchema = z
  .object({
    id: storedInteger,
    version: storedInteger,
    at_ms: storedInteger,
    actor: z.string(),
    via: z.string(),
    route_id: z.string(),
    action: z.enum(['flip', 'rollback']),
    from_mode: z.enum(ROUTE_MODES),
    from_percent: hundredths,
    to_mode: z.enum(ROUTE_MODES),
    to_percent: hundredths,
    reason: z.string(),
    forced: storedBoolean,
    undoes: storedInteger.nullable(),
  })
  .superRefine((r, ctx) => {
    stateFits(r.from_mode, r.from_percent, 'from_percent', ctx);
    stateFits(r.to_mode, r.to_percent, 'to_percent', ctx);
  })
  .transform(
    (r): AuditEntry => ({
      id: r.id,
      version: r.version,
      at: new Date(r.at_ms).toISOString(),
      actor: r.actor,
      via: r.via,
      routeId: r.route_id,
      action: r.action,
      from: stateOf(r.from_mode, r.from_percent),
      to: stateOf(r.to_mode, r.to_percent),
      reason: r.reason,
      forced: r.forced,
      undoes: r.undoes,
    }),
  );

/**
 * An audit row as its entry. One this gateway cannot read refuses the whole read: a history, a
 * rollback or a flip gate that skipped an entry would decide on a log with a hole in it.
 */
export function readAuditRow(row: unknown): AuditEntry {
  const parsed = AuditRowSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  const id = z.object({ id: storedInteger }).safeParse(row).data?.id;
  throw new ControlError('unreadable-state', `audit entry ${id === undefined ? '(no id)' : `#${id}`} in ${AUDIT} cannot be read by this gateway: ${describeIssues(issues)}`, {
    table: AUDIT,
    id,
    issues,
  });
}

/** One upstream's traffic for a route: SUM() is a DECIMAL string on mysql2, a number on SQLite; MAX(minute) a number on both. */
const TrafficRowSchema = z.object({ upstream: z.string(), requests: storedInteger, last: storedInteger });

/**
 * A traffic row as counted requests. A row that cannot be read refuses the read rather than
 * being skipped: leaving it out could show legacy at zero, the proof that a route can be retired.
 */
export function readTrafficRow(row: unknown): { upstream: string; requests: number; lastSeen: string } {
  const parsed = TrafficRowSchema.safeParse(row);
  if (!parsed.success) throw new ControlError('unreadable-state', `traffic counts in ${TRAFFIC} cannot be read: ${describeIssues(fieldIssues(parsed.error))}`, { table: TRAFFIC });
  const r = parsed.data;
  return { upstream: r.upstream, requests: r.requests, lastSeen: new Date(r.last * 60_000).toISOString() };
}
