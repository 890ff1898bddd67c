import type { Knex } from 'knex';
import { ControlError } from './errors';
import { AUDIT, TABLE, LatestRowSchema, readAuditRow, readStateRow, readTrafficRow, STATE, toHundredths, TRAFFIC, unreadableVersionError } from './state-rows';
import { isAlreadyExists, isUniqueViolation, openStateDb } from './store-db';
import type { AuditEntry, ChangeResult, Overlay, StateVersion, TrafficCount, UnreadableVersion } from './types';

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

/** The newest state version this gateway can read, and the newer ones it cannot (newest first). */
export interface ReadableState {
  readonly state: StateVersion;
  readonly unreadable: readonly UnreadableVersion[];
}

/**
 * The route state store: versioned overlays over routes.json plus the append-only audit log, and
 * per-minute traffic counts for the proof of retirement. knex on SQLite (one gateway) or MySQL (a
 * fleet). There is deliberately no method that updates or deletes an audit entry.
 */
export interface StateStore {
  migrate(): Promise<void>;
  latestVersion(): Promise<number>;
  /** The newest version; one this gateway cannot read is refused (ControlError unreadable-state): a change must not build on it. */
  current(): Promise<StateVersion>;
  /**
   * The newest version this gateway can read (version 0 when none), with the newer ones it cannot:
   * what a replica serves while another gateway version writes states it does not understand.
   */
  readable(): Promise<ReadableState>;
  /** The overlay as it was at a version (version 0: empty); unreadable-state when this gateway cannot read it. */
  overlayAt(version: number): Promise<StateVersion>;
  /** Writes version `expected + 1`; another writer got there first → ControlError stale-version. */
  append(expected: number, overlay: Overlay, entry: AuditDraft, now: Date): Promise<ChangeResult>;
  /** Newest first. */
  history(routeId?: string, limit?: number): Promise<AuditEntry[]>;
  addTraffic(replica: string, rows: readonly TrafficRow[]): Promise<void>;
  traffic(routeId: string, since: Date): Promise<TrafficCount[]>;
  /**
   * Claims the store for a route table (its route ids). A store with no claim yet, or claimed by a
   * table that has at least half of its route ids (routes.json edited), is claimed anew; one claimed
   * by a table with fewer is refused (ControlError table-mismatch), naming that table's routes.
   */
  claimTable(routeIds: readonly string[], now: Date): Promise<void>;
  close(): Promise<void>;
}

/** Rows read per step when looking back for the newest readable version. */
const PAGE = 20;

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
    await create(TABLE, (t) => {
      t.integer('id').primary();
      t.text('routes').notNullable();
      t.bigInteger('claimed_ms').notNullable();
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
    const row: unknown = await this.db(STATE).max({ v: 'version' }).first();
    return (row === undefined ? null : LatestRowSchema.parse(row).v) ?? 0;
  }

  async current(): Promise<StateVersion> {
    const row: unknown = await this.db(STATE).select('version', 'overlay').orderBy('version', 'desc').first();
    if (row === undefined) return { version: 0, overlay: {} };
    const read = readStateRow(row);
    if (!read.ok) throw unreadableVersionError(read.unreadable);
    return read.state;
  }

  async readable(): Promise<ReadableState> {
    const unreadable: UnreadableVersion[] = [];
    // Rows are never rewritten, so the version a replica serves stays readable: the walk back ends there at the latest.
    for (let below = Number.MAX_SAFE_INTEGER; ; ) {
      const rows: unknown[] = await this.db(STATE).select('version', 'overlay').where('version', '<', below).orderBy('version', 'desc').limit(PAGE);
      for (const row of rows) {
        const read = readStateRow(row);
        if (read.ok) return { state: read.state, unreadable };
        unreadable.push(read.unreadable);
        below = read.unreadable.version;
      }
      if (rows.length < PAGE) return { state: { version: 0, overlay: {} }, unreadable };
    }
  }

  async overlayAt(version: number): Promise<StateVersion> {
    if (version <= 0) return { version: 0, overlay: {} };
    const row: unknown = await this.db(STATE).select('version', 'overlay').where('version', version).first();
    if (row === undefined) throw new Error(`state version ${version} is missing from the store`);
    const read = readStateRow(row);
    if (!read.ok) throw unreadableVersionError(read.unreadable);
    return read.state;
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
    const q = this.db(AUDIT).select('*').orderBy('id', 'desc').limit(limit);
    if (routeId !== undefined) void q.where('route_id', routeId);
    const rows: unknown[] = await q;
    return rows.map(readAuditRow);
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
    const rows: unknown[] = await this.db(TRAFFIC)
      .select('upstream')
      .sum({ requests: 'requests' })
      .max({ last: 'minute' })
      .where('route_id', routeId)
      .andWhere('minute', '>=', Math.floor(since.getTime() / 60_000))
      .groupBy('upstream')
      .orderBy('upstream');
    return rows.map(readTrafficRow);
  }

  async claimTable(routeIds: readonly string[], now: Date): Promise<void> {
    const ids = [...new Set(routeIds)].sort();
    const row: unknown = await this.db(TABLE).select('routes').where('id', 1).first();
    const owner = row === undefined ? null : storedRouteIds(row);
    // routes.json edited (a route added, renamed or dropped) keeps most ids; another table keeps few or none.
    if (owner && owner.length > 0 && owner.filter((id) => ids.includes(id)).length * 2 < owner.length) {
      throw new ControlError('table-mismatch', `this route state store belongs to another route table (routes ${listIds(owner)}), not this one (routes ${listIds(ids)}); give this gateway its own store with --state or STRANGLER_STATE_URL, or STRANGLER_DATA_DIR`, { store: owner, table: ids });
    }
    const values = { id: 1, routes: JSON.stringify(ids), claimed_ms: now.getTime() };
    await this.db(TABLE).insert(values).onConflict('id').merge(['routes', 'claimed_ms']);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

/** A stored claim's route ids; an unreadable claim counts as none (it is rewritten). */
function storedRouteIds(row: unknown): string[] | null {
  try {
    const parsed: unknown = JSON.parse(String((row as { routes?: unknown }).routes));
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}

function listIds(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
}

function isBusy(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === 'SQLITE_BUSY' || code === 'ER_LOCK_DEADLOCK';
}
