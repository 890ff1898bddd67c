import type { Knex } from 'knex';
import { z } from 'zod';
import { describeIssues, fieldIssues, storedInteger, storedJson } from '../../../../platform';
import { ControlError } from '../errors';
import { isAlreadyExists, isUniqueViolation, openStateDb } from '../store-db';
import { isActive, LeaseSchema, RolloutSchema, VerificationSchema, type Lease, type Rollout, type Verification } from './types';

export const ROLLOUTS = 'strangler_rollouts';
export const LEASE = 'strangler_rollout_lease';
export const VERIFICATIONS = 'strangler_data_verifications';

/** The one lease: whoever holds it drives every rollout of the fleet. */
const LEASE_NAME = 'rollouts';

/** A rollout before the store numbers it. */
export type RolloutDraft = Omit<Rollout, 'id' | 'revision'>;

const RolloutRowSchema = z.object({ id: storedInteger, revision: storedInteger, doc: storedJson(z.unknown()) });
const LeaseRowSchema = z.object({ holder: z.string(), until_ms: storedInteger });
const VerificationRowSchema = z.object({ doc: storedJson(VerificationSchema) });

/**
 * Rollouts, the lease that makes one replica drive them, and the record of `verify` runs, in the
 * state store's database. A rollout is one row holding its whole document; `active_route` holds
 * the route id while the rollout is active and NULL after, under a unique index, so that the
 * database itself refuses a second active rollout of a route, whichever replica or CLI asks.
 * Every write names the revision it was made on and is refused when another writer moved it.
 */
export class RolloutStore {
  constructor(private readonly db: Knex) {}

  async migrate(): Promise<void> {
    const create = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
      if (await this.db.schema.hasTable(name)) return;
      try {
        await this.db.schema.createTable(name, build);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    };
    await create(ROLLOUTS, (t) => {
      t.increments('id');
      t.string('route_id', 128).notNullable().index();
      t.string('active_route', 128).nullable().unique();
      t.string('state', 24).notNullable();
      t.integer('revision').notNullable();
      t.bigInteger('next_ms').nullable().index();
      t.bigInteger('updated_ms').notNullable();
      t.text('doc', 'mediumtext').notNullable();
    });
    await create(LEASE, (t) => {
      t.string('name', 32).primary();
      t.string('holder', 200).notNullable();
      t.bigInteger('until_ms').notNullable();
    });
    await create(VERIFICATIONS, (t) => {
      t.increments('id');
      t.string('context', 64).notNullable().index();
      t.bigInteger('at_ms').notNullable();
      t.text('doc').notNullable();
    });
  }

  /** Stores a new rollout; a route with an active one refuses it (rollout-running). */
  async create(draft: RolloutDraft, now: Date): Promise<Rollout> {
    try {
      return await this.db.transaction(async (trx) => {
        const [inserted] = await trx(ROLLOUTS).insert({
          route_id: draft.routeId,
          active_route: isActive(draft.state) ? draft.routeId : null,
          state: draft.state,
          revision: 1,
          next_ms: nextMs(draft),
          updated_ms: now.getTime(),
          doc: '{}',
        });
        const rollout: Rollout = { ...draft, id: Number(inserted), revision: 1 };
        await trx(ROLLOUTS).where('id', rollout.id).update({ doc: JSON.stringify(rollout) });
        return rollout;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ControlError('rollout-running', `route "${draft.routeId}" already has a rollout under way: see \`strangler routes rollout status ${draft.routeId}\``);
      throw e;
    }
  }

  /**
   * Writes a rollout's next revision; false when the stored one is no longer `next.revision`
   * (changed meanwhile: the caller reads it again rather than overwrite what it did not see).
   */
  async update(next: Rollout, now: Date): Promise<Rollout | null> {
    const stored: Rollout = { ...next, revision: next.revision + 1 };
    const changed = await this.db(ROLLOUTS)
      .where({ id: next.id, revision: next.revision })
      .update({
        active_route: isActive(stored.state) ? stored.routeId : null,
        state: stored.state,
        revision: stored.revision,
        next_ms: nextMs(stored),
        updated_ms: now.getTime(),
        doc: JSON.stringify(stored),
      });
    return changed === 1 ? stored : null;
  }

  async get(id: number): Promise<Rollout | null> {
    const row: unknown = await this.db(ROLLOUTS).select('id', 'revision', 'doc').where('id', id).first();
    return row === undefined ? null : readRollout(row);
  }

  /** The route's active rollout, else its newest one; null when it never had one. */
  async latest(routeId: string): Promise<Rollout | null> {
    const row: unknown = await this.db(ROLLOUTS).select('id', 'revision', 'doc').where('route_id', routeId).orderBy('id', 'desc').first();
    return row === undefined ? null : readRollout(row);
  }

  async active(routeId: string): Promise<Rollout | null> {
    const row: unknown = await this.db(ROLLOUTS).select('id', 'revision', 'doc').where('active_route', routeId).first();
    return row === undefined ? null : readRollout(row);
  }

  /** The newest rollout of every route that had one, by route id. */
  async list(): Promise<Rollout[]> {
    const newest = this.db(ROLLOUTS).max('id').groupBy('route_id');
    const rows: unknown[] = await this.db(ROLLOUTS).select('id', 'revision', 'doc').whereIn('id', newest).orderBy('route_id');
    return rows.map(readRollout);
  }

  /** Active rollouts whose next analysis is due. */
  async due(now: Date): Promise<Rollout[]> {
    const rows: unknown[] = await this.db(ROLLOUTS).select('id', 'revision', 'doc').whereNotNull('active_route').andWhere('next_ms', '<=', now.getTime()).orderBy('id');
    return rows.map(readRollout);
  }

  /**
   * Takes or renews the lease for `ttlMs`: granted when nobody holds it, this replica does, or the
   * holder's time ran out (it died, or lost the store). Conditional writes only, so two replicas
   * asking at once cannot both be granted.
   */
  async acquireLease(holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const until = now.getTime() + ttlMs;
    const renewed = await this.db(LEASE)
      .where('name', LEASE_NAME)
      .andWhere((q) => void q.where('holder', holder).orWhere('until_ms', '<', now.getTime()))
      .update({ holder, until_ms: until });
    if (renewed === 1) return true;
    const exists: unknown = await this.db(LEASE).select('name').where('name', LEASE_NAME).first();
    if (exists !== undefined) return false;
    try {
      await this.db(LEASE).insert({ name: LEASE_NAME, holder, until_ms: until });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /** Lets the lease go at once (a replica stopping cleanly), so another takes over without waiting it out. */
  async releaseLease(holder: string): Promise<void> {
    await this.db(LEASE).where({ name: LEASE_NAME, holder }).update({ until_ms: 0 });
  }

  async lease(): Promise<Lease | null> {
    const row: unknown = await this.db(LEASE).select('holder', 'until_ms').where('name', LEASE_NAME).first();
    if (row === undefined) return null;
    const r = LeaseRowSchema.parse(row);
    return LeaseSchema.parse({ holder: r.holder, until: new Date(r.until_ms).toISOString() });
  }

  async recordVerification(v: Verification): Promise<void> {
    await this.db(VERIFICATIONS).insert({ context: v.context, at_ms: Date.parse(v.at), doc: JSON.stringify(v) });
  }

  /** The newest verify recorded for a data context. */
  async lastVerification(context: string): Promise<Verification | null> {
    const row: unknown = await this.db(VERIFICATIONS).select('doc').where('context', context).orderBy('at_ms', 'desc').orderBy('id', 'desc').first();
    if (row === undefined) return null;
    const parsed = VerificationRowSchema.safeParse(row);
    if (!parsed.success) throw new ControlError('unreadable-state', `the last verify of ${context} in ${VERIFICATIONS} cannot be read: ${describeIssues(fieldIssues(parsed.error))}`);
    return parsed.data.doc;
  }
}

const nextMs = (r: Pick<Rollout, 'nextAnalysisAt'>): number | null => (r.nextAnalysisAt === null ? null : Date.parse(r.nextAnalysisAt));

/** A stored rollout; one this gateway cannot read is refused by name, never acted on. */
function readRollout(row: unknown): Rollout {
  const r = RolloutRowSchema.parse(row);
  const parsed = RolloutSchema.safeParse(r.doc);
  if (parsed.success) return { ...parsed.data, revision: r.revision };
  throw new ControlError('unreadable-state', `rollout #${r.id} in ${ROLLOUTS} cannot be read by this gateway: ${describeIssues(fieldIssues(parsed.error))}`, { id: r.id });
}


/** Records a `verify` run in the state store at `url` (opened and closed for it): the rollouts' data-freshness check reads it. */
export async function recordVerificationAt(url: string, v: Verification): Promise<void> {
  const db = openStateDb(url);
  try {
    const store = new RolloutStore(db);
    await store.migrate();
    await store.recordVerification(v);
  } finally {
    await db.destroy();
  }
}
