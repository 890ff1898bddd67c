import type { Knex } from 'knex';
import { isUniqueViolation } from '../../../../platform';
import type { Reservation } from '../contract';
import { InsufficientStockError, ReservationIdReusedError, ReservationNotFoundError, ReservationStateError, StockNotFoundError } from '../domain/errors';
import { availableOf, expiryOf } from '../domain/stock';
import { LostRace, retryRaces } from './races';
import type { ReserveOutcome, ReserveRequest } from './repository';
import { RESERVATION_COLUMNS, reservationFromRow, reservationToRow } from './rows';
import { readLevel } from './stock-store';
import { T } from './tables';

/*
 * Every state change is a compare-and-set on the reservation's state (`WHERE state = 'held'`),
 * and every change of availability a guarded UPDATE on the stock row (`WHERE on_hand - held -
 * reserved >= n`). Both engines evaluate those against the latest committed row (MySQL's UPDATE
 * reads current, not the snapshot; SQLite has one writer), so two transactions racing for the
 * last units cannot both win, and a lost compare-and-set reruns the whole transaction.
 */

export async function readReservation(q: Knex | Knex.Transaction, id: string): Promise<Reservation | undefined> {
  const row: unknown = await q(T.reservations).where('id', id).first(RESERVATION_COLUMNS);
  return row === undefined ? undefined : reservationFromRow(row);
}

/** A reserve whose id is already stored: the same request is a replay, anything else a refusal. */
function replayReserve(stored: Reservation, request: ReserveRequest): ReserveOutcome {
  if (stored.state === 'released' || stored.state === 'expired') throw new ReservationStateError(stored.id, stored.state, 'reserved again');
  if (stored.productId !== request.productId || stored.quantity !== request.quantity) throw new ReservationIdReusedError(stored.id);
  return { reservation: stored, created: false };
}

async function refusal(q: Knex | Knex.Transaction, productId: number, quantity: number): Promise<Error> {
  const level = await readLevel(q, productId);
  if (level === undefined) return new StockNotFoundError(productId);
  return new InsufficientStockError(productId, quantity, Math.max(0, availableOf(level)));
}

/** Puts a held reservation's units back (expiry, release); false when it was no longer held. */
async function unhold(trx: Knex.Transaction, r: Reservation, to: 'released' | 'expired', stamp: string): Promise<boolean> {
  const changed = await trx(T.reservations).where({ id: r.id, state: 'held' }).update({ state: to, updated_at: stamp });
  if (changed === 0) return false;
  if (r.productId !== null) {
    await trx(T.stock).where('product_id', r.productId).update({ reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: stamp });
  }
  return true;
}

/** Expires the overdue held reservations of one product (or of all, by deadline), at most `limit`. */
async function expireOverdue(trx: Knex.Transaction, now: Date, limit: number, productId?: number): Promise<number> {
  const stamp = now.toISOString();
  const q = trx(T.reservations).where('state', 'held').andWhere('expires_at', '<=', stamp);
  const rows: unknown[] = await (productId === undefined ? q : q.andWhere('product_id', productId)).orderBy('expires_at').limit(limit).select(RESERVATION_COLUMNS);
  let expired = 0;
  for (const row of rows) if (await unhold(trx, reservationFromRow(row), 'expired', stamp)) expired++;
  return expired;
}

export async function reserve(db: Knex, request: ReserveRequest, now: Date, dryRun: boolean): Promise<ReserveOutcome> {
  const stored = await readReservation(db, request.id);
  if (stored !== undefined) return replayReserve(stored, request);
  const stamp = now.toISOString();
  const reservation: Reservation = {
    id: request.id, productId: request.productId, quantity: request.quantity, state: 'held',
    expiresAt: expiryOf(now, request.ttlSeconds), createdAt: stamp, updatedAt: stamp,
  };
  if (dryRun) {
    const level = await readLevel(db, request.productId);
    if (level === undefined || availableOf(level) < request.quantity) throw await refusal(db, request.productId, request.quantity);
    return { reservation, created: true };
  }
  try {
    return await retryRaces(() =>
      db.transaction(async (trx) => {
        // Overdue holds on this product go first, so an abandoned reservation never blocks a live one.
        await expireOverdue(trx, now, 100, request.productId);
        await trx(T.reservations).insert(reservationToRow(reservation));
        const taken = await trx(T.stock)
          .where('product_id', request.productId)
          .andWhereRaw('on_hand - held - reserved >= ?', [request.quantity])
          .update({ reserved: trx.raw('reserved + ?', [request.quantity]), updated_at: stamp });
        if (taken === 0) throw await refusal(trx, request.productId, request.quantity);
        return { reservation, created: true };
      }),
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The same id reserved concurrently: the winner's reservation is the answer.
    const winner = await readReservation(db, request.id);
    if (winner === undefined) throw err;
    return replayReserve(winner, request);
  }
}

export async function commit(db: Knex, id: string, now: Date, dryRun: boolean): Promise<Reservation> {
  const stamp = now.toISOString();
  return retryRaces(() =>
    db.transaction(async (trx) => {
      const r = await readReservation(trx, id);
      if (r === undefined) throw new ReservationNotFoundError(id);
      if (r.state === 'committed') return r;
      if (r.state === 'released' || r.productId === null) throw new ReservationStateError(id, r.state, 'committed');
      const committed: Reservation = { ...r, state: 'committed', updatedAt: stamp };
      if (dryRun) {
        if (r.state === 'expired') {
          const level = await readLevel(trx, r.productId);
          if (level === undefined || availableOf(level) < r.quantity) throw await refusal(trx, r.productId, r.quantity);
        }
        return committed;
      }
      if (r.state === 'held') {
        // Units leave on hand and reserved together: availability does not move.
        const changed = await trx(T.reservations).where({ id, state: 'held' }).update({ state: 'committed', updated_at: stamp });
        if (changed === 0) throw new LostRace(`reservation ${id}`);
        await trx(T.stock)
          .where('product_id', r.productId)
          .update({ on_hand: trx.raw('on_hand - ?', [r.quantity]), reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: stamp });
        return committed;
      }
      // Expired before its commit arrived (the committer was down past the TTL): take the units
      // again if they are still there, for the order it belongs to is already confirmed.
      const taken = await trx(T.stock)
        .where('product_id', r.productId)
        .andWhereRaw('on_hand - held - reserved >= ?', [r.quantity])
        .update({ on_hand: trx.raw('on_hand - ?', [r.quantity]), updated_at: stamp });
      if (taken === 0) throw await refusal(trx, r.productId, r.quantity);
      const changed = await trx(T.reservations).where({ id, state: 'expired' }).update({ state: 'committed', updated_at: stamp });
      if (changed === 0) throw new LostRace(`reservation ${id}`);
      return committed;
    }),
  );
}

export async function release(db: Knex, id: string, now: Date, dryRun: boolean): Promise<Reservation> {
  const stamp = now.toISOString();
  const tombstone: Reservation = { id, productId: null, quantity: 0, state: 'released', expiresAt: null, createdAt: stamp, updatedAt: stamp };
  return retryRaces(() =>
    db.transaction(async (trx) => {
      const r = await readReservation(trx, id);
      if (r === undefined) {
        if (dryRun) return tombstone;
        try {
          // A release before (or instead of) the reserve: remember it, so a late reserve holds nothing.
          await trx(T.reservations).insert(reservationToRow(tombstone));
        } catch (err) {
          if (isUniqueViolation(err)) throw new LostRace(`reservation ${id}`);
          throw err;
        }
        return tombstone;
      }
      if (r.state === 'released' || r.state === 'expired') return r;
      if (r.state === 'committed') throw new ReservationStateError(id, r.state, 'released');
      if (dryRun) return { ...r, state: 'released', updatedAt: stamp };
      if (!(await unhold(trx, r, 'released', stamp))) throw new LostRace(`reservation ${id}`);
      return { ...r, state: 'released', updatedAt: stamp };
    }),
  );
}

/** The sweep: each overdue reservation in its own short transaction, so the sweep never holds many locks. */
export async function expireDue(db: Knex, now: Date, limit: number): Promise<number> {
  const stamp = now.toISOString();
  const due: Array<{ id: string }> = await db(T.reservations).where('state', 'held').andWhere('expires_at', '<=', stamp).orderBy('expires_at').limit(limit).select('id');
  let expired = 0;
  for (const { id } of due) {
    expired += await retryRaces(() =>
      db.transaction(async (trx) => {
        const r = await readReservation(trx, id);
        return r !== undefined && r.state === 'held' && (await unhold(trx, r, 'expired', stamp)) ? 1 : 0;
      }),
    );
  }
  return expired;
}
