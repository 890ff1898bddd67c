import type { Knex } from 'knex';
import type { RouteMode } from '../config/schema';
import { ControlError } from './errors';
import { isAlreadyExists, isUniqueViolation, openStateDb } from './store-db';
import type { AuditEntry, ChangeResult, Overlay, RouteState, StateVersion, TrafficCount } from './types';

/** An audit entry before the store numbers and stamps it. */
export type AuditDraft = Omit<AuditEntry, 'id' | 'version' | 'at'>;

/** Requests one upstream received for one route during one minute, from one replica. */
export interface TrafficRow {
  readonly routeId: string;
  readonly upstream: string;
  /** Minutes since the epoch. */
  readonly minute: number;
  readonly requests: number;
}

/**
 * The route state store: versioned overlays over routes.json plus the append-only audit log, and
 * per-minute traffic counts for the proof of retirement. knex on SQLite (one gateway) or MySQL (a
 * fleet). There is deliberately no method that updates or deletes an audit entry.
 */
export interface StateStore {
  migrate(): Promise<void>;
  latestVersion(): Promise<number>;
  current(): Promise<StateVersion>;
  /** The overlay as it was at a version (version 0: empty). */
  overlayAt(version: number): Promise<StateVersion>;
  /** Writes version `expected + 1`; another writer got there first → ControlError stale-version. */
  append(expected: number, overlay: Overlay, entry: AuditDraft, now: Date): Promise<ChangeResult>;
  /** Newest first. */
  history(routeId?: string, limit?: number): Promise<AuditEntry[]>;
  addTraffic(replica: string, rows: readonly TrafficRow[]): Promise<void>;
  traffic(routeId: string, since: Date): Promise<TrafficCount[]>;
  close(): Promise<void>;
}

const STATE = 'strangler_route_state';
const AUDIT = 'strangler_route_audit';
const TRAFFIC = 'strangler_route_traffic';

/** Percentages are stored as integer hundredths: no float or DECIMAL-as-string surprises. */
const toHundredths = (p: number | undefined) => (p === undefined ? null : Math.round(p * 100));
const state = (mode: string, hundredths: number | string | null): RouteState =>
  hundredths === null ? { mode: mode as RouteMode } : { mode: mode as RouteMode, percent: Number(hundredths) / 100 };

interface AuditRow {
  id: number;
  version: number;
  at_ms: number | string;
  actor: string;
  via: string;
  route_id: string;
  action: string;
  from_mode: string;
  from_percent: number | null;
  to_mode: string;
  to_percent: number | null;
  reason: string;
  forced: number | boolean;
  undoes: number | null;
}

function entryOf(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id),
    version: Number(r.version),
    at: new Date(Number(r.at_ms)).toISOString(),
    actor: r.actor,
    via: r.via,
    routeId: r.route_id,
    action: r.action === 'rollback' ? 'rollback' : 'flip',
    from: state(r.from_mode, r.from_percent),
    to: state(r.to_mode, r.to_percent),
    reason: r.reason,
    forced: Boolean(r.forced),
    undoes: r.undoes === null ? null : Number(r.undoes),
  };
}

export function openStateStore(url: string): StateStore {
  return new KnexStateStore(openStateDb(url));
}

export class KnexStateStore implements StateStore {
  constructor(private readonly db: Knex) {}

  async migrate(): Promise<void> {
    const create = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
      if (await this.db.schema.hasTable(name)) return;
      try {
        await this.db.schema.createTable(name, build);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e; // another replica created it first
      }
    };
    await create(STATE, (t) => {
      t.integer('version').primary();
      t.bigInteger('created_ms').notNullable();
      t.text('overlay').notNullable();
    });
    await create(AUDIT, (t) => {
      t.increments('id');
      t.integer('version').notNullable().unique();
      t.bigInteger('at_ms').notNullable();
      t.string('actor', 200).notNullable();
      t.string('via', 200).notNullable();
      t.string('route_id', 128).notNullable().index();
      t.string('action', 16).notNullable();
      t.string('from_mode', 16).notNullable();
      t.integer('from_percent').nullable();
      t.string('to_mode', 16).notNullable();
      t.integer('to_percent').nullable();
      t.text('reason').notNullable();
      t.boolean('forced').notNullable();
      t.integer('undoes').nullable();
    });
    await create(TRAFFIC, (t) => {
      t.string('route_id', 128).notNullable();
      t.string('upstream', 64).notNullable();
      t.bigInteger('minute').notNullable();
      t.string('replica', 64).notNullable();
      t.bigInteger('requests').notNullable();
      t.primary(['route_id', 'upstream', 'minute', 'replica']);
    });
  }

  async latestVersion(): Promise<number> {
    const row = (await this.db(STATE).max({ v: 'version' }).first()) as { v: number | string | null } | undefined;
    return row?.v == null ? 0 : Number(row.v);
  }

  async current(): Promise<StateVersion> {
    const row = (await this.db(STATE).select('version', 'overlay').orderBy('version', 'desc').first()) as { version: number; overlay: string } | undefined;
    if (!row) return { version: 0, overlay: {} };
    return { version: Number(row.version), overlay: JSON.parse(row.overlay) as Overlay };
  }

  async overlayAt(version: number): Promise<StateVersion> {
    if (version <= 0) return { version: 0, overlay: {} };
    const row = (await this.db(STATE).select('overlay').where('version', version).first()) as { overlay: string } | undefined;
    if (!row) throw new Error(`state version ${version} is missing from the store`);
    return { version, overlay: JSON.parse(row.overlay) as Overlay };
  }

  async append(expected: number, overlay: Overlay, entry: AuditDraft, now: Date): Promise<ChangeResult> {
    const version = expected + 1;
    try {
      const id = await this.db.transaction(async (trx) => {
        await trx(STATE).insert({ version, created_ms: now.getTime(), overlay: JSON.stringify(overlay) });
        const [inserted] = await trx(AUDIT).insert({
          version,
          at_ms: now.getTime(),
          actor: entry.actor.slice(0, 200),
          via: entry.via.slice(0, 200),
          route_id: entry.routeId,
          action: entry.action,
          from_mode: entry.from.mode,
          from_percent: toHundredths(entry.from.percent),
          to_mode: entry.to.mode,
          to_percent: toHundredths(entry.to.percent),
          reason: entry.reason,
          forced: entry.forced,
          undoes: entry.undoes,
        });
        return Number(inserted);
      });
      return { version, entry: { ...entry, id, version, at: now.toISOString() } };
    } catch (e) {
      if (isUniqueViolation(e) || isBusy(e)) throw new ControlError('stale-version', `route state moved past version ${expected} while this change was being made`, { expected });
      throw e;
    }
  }

  async history(routeId?: string, limit = 100): Promise<AuditEntry[]> {
    const q = this.db<AuditRow>(AUDIT).select('*').orderBy('id', 'desc').limit(limit);
    if (routeId !== undefined) void q.where('route_id', routeId);
    return (await q).map(entryOf);
  }

  async addTraffic(replica: string, rows: readonly TrafficRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (trx) => {
      for (const r of rows) {
        await trx(TRAFFIC)
          .insert({ route_id: r.routeId, upstream: r.upstream, minute: r.minute, replica, requests: r.requests })
          .onConflict(['route_id', 'upstream', 'minute', 'replica'])
          .merge({ requests: trx.raw('?? + ?', [`${TRAFFIC}.requests`, r.requests]) });
      }
    });
  }

  async traffic(routeId: string, since: Date): Promise<TrafficCount[]> {
    const rows = (await this.db(TRAFFIC)
      .select('upstream')
      .sum({ requests: 'requests' })
      .max({ last: 'minute' })
      .where('route_id', routeId)
      .andWhere('minute', '>=', Math.floor(since.getTime() / 60_000))
      .groupBy('upstream')
      .orderBy('upstream')) as { upstream: string; requests: number | string; last: number | string }[];
    return rows.map((r) => ({ upstream: r.upstream, requests: Number(r.requests), lastSeen: new Date(Number(r.last) * 60_000).toISOString() }));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

function isBusy(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === 'SQLITE_BUSY' || code === 'ER_LOCK_DEADLOCK';
}
