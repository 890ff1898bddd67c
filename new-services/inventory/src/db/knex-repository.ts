import type { Knex } from 'knex';
import type { InventoryRepository } from './repository';
import { commit, expireDue, readReservation, release, reserve } from './reservation-store';
import { deleteStock, importStock, listStock, readStock } from './stock-store';

/** The inventory store over knex; the same SQL on SQLite and MySQL/MariaDB. */
export function createKnexInventoryRepository(db: Knex): InventoryRepository {
  return {
    async ping() {
      await db.raw('select 1');
    },
    getStock: (productId) => readStock(db, productId),
    listStock: (paging) => listStock(db, paging),
    importStock: (items, { dryRun }) => db.transaction((trx) => importStock(trx, items, dryRun)),
    deleteStock: (ids, { dryRun }) => db.transaction((trx) => deleteStock(trx, ids, dryRun)),
    reserve: (request, now, { dryRun }) => reserve(db, request, now, dryRun),
    commit: (id, now, { dryRun }) => commit(db, id, now, dryRun),
    release: (id, now, { dryRun }) => release(db, id, now, dryRun),
    getReservation: (id) => readReservation(db, id),
    expireDue: (now, limit) => expireDue(db, now, limit),
  };
}
