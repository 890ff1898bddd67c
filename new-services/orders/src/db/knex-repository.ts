import type { Knex } from 'knex';
import type { Order, OrderStatus } from '../contract';
import type { NewOrder } from '../domain';
import { deleteOrders } from './batch-delete';
import { importOrders } from './batch-import';
import { isUniqueViolation } from '../../../../platform';
import { ConcurrentUpdateError, IdempotencyKeyTakenError } from './errors';
import { headerToRow, linesToRows, LINE_COLUMNS, ORDER_COLUMNS, rowToSummary, rowsToOrder, type LineRow, type OrderRow } from './order-rows';
import type { IdempotencyRecord, OrdersRepository, StoredResponse } from './repository';
import { loadOrders } from './load-orders';
import { T } from './tables';

interface IdempotencyRow {
  idem_key: string;
  request_hash: string;
  order_id: number | string | null;
  response_status: number | string;
  response_body: string;
}

/** Inserts an order and its lines inside `trx`; returns the id the store gave it. */
export async function insertOrder(trx: Knex.Transaction, order: NewOrder): Promise<number> {
  const [id] = (await trx(T.orders).insert(headerToRow(order))) as unknown[];
  if (typeof id !== 'number') throw new Error('order insert returned no id');
  await trx(T.lines).insert(linesToRows(id, order.lines));
  return id;
}

/** The orders store over knex; the same SQL on SQLite and MySQL/MariaDB. */
export function createKnexOrdersRepository(db: Knex, clock: () => Date = () => new Date()): OrdersRepository {
  return {
    async ping() {
      await db.raw('select 1');
    },

    async findIdempotency(key) {
      const row: IdempotencyRow | undefined = await db(T.idempotency).where('idem_key', key).first();
      if (row === undefined) return undefined;
      const record: IdempotencyRecord = {
        key: row.idem_key,
        requestHash: row.request_hash,
        orderId: row.order_id === null ? null : Number(row.order_id),
        status: Number(row.response_status),
        body: JSON.parse(row.response_body) as unknown,
      };
      return record;
    },

    async createOrder(order, { key, requestHash }, respond: (order: Order) => StoredResponse) {
      try {
        return await db.transaction(async (trx) => {
          // The key goes in first: on MySQL a concurrent duplicate then waits on this row's lock
          // and fails on the unique key before it has written (or numbered) any order.
          await trx(T.idempotency).insert({
            idem_key: key, request_hash: requestHash, order_id: null, response_status: 0, response_body: '{}', created_at: clock().toISOString(),
          });
          const id = await insertOrder(trx, order);
          const stored: Order = { id, ...order };
          const response = respond(stored);
          await trx(T.idempotency).where('idem_key', key).update({
            order_id: id, response_status: response.status, response_body: JSON.stringify(response.body),
          });
          return stored;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new IdempotencyKeyTakenError(key);
        throw err;
      }
    },

    async getOrder(id) {
      const header: OrderRow | undefined = await db(T.orders).where('id', id).first(ORDER_COLUMNS);
      if (header === undefined) return undefined;
      const lines: LineRow[] = await db(T.lines).where('order_id', id).orderBy('line_no').select(LINE_COLUMNS);
      return rowsToOrder(header, lines);
    },

    async listOrders({ offset, limit }) {
      const counted: { n?: number | string } | undefined = await db(T.orders).count({ n: '*' }).first();
      const rows: OrderRow[] = await db(T.orders).select(ORDER_COLUMNS).orderBy('id', 'asc').limit(limit).offset(offset);
      return { items: rows.map(rowToSummary), total: Number(counted?.n ?? 0) };
    },

    async listFullOrders({ offset, limit }) {
      const counted: { n?: number | string } | undefined = await db(T.orders).count({ n: '*' }).first();
      const ids: Array<{ id: number | string }> = await db(T.orders).select('id').orderBy('id', 'asc').limit(limit).offset(offset);
      const orders = await loadOrders(db, ids.map((row) => Number(row.id)));
      // A row deleted between the two reads is left out rather than answered half.
      const items = ids.map((row) => orders.get(Number(row.id))).filter((order): order is Order => order !== undefined);
      return { items, total: Number(counted?.n ?? 0) };
    },

    async updateStatus(order, expected: OrderStatus) {
      // Compare-and-set on the status: two concurrent transitions cannot both win.
      const changed = await db(T.orders)
        .where({ id: order.id, status: expected })
        .update({ status: order.status, updated_at: order.updatedAt });
      return changed === 1;
    },

    async importOrders(orders, { dryRun }) {
      try {
        return await db.transaction((trx) => importOrders(trx, orders, dryRun));
      } catch (err) {
        // Two imports inserting the same new id at once: the loser's whole batch rolled back.
        if (isUniqueViolation(err)) throw new ConcurrentUpdateError('a concurrent import wrote some of these orders; retry the batch');
        throw err;
      }
    },

    async deleteOrders(ids, { dryRun }) {
      return db.transaction((trx) => deleteOrders(trx, ids, dryRun));
    },

    async nextOrderId() {
      const row: { top?: number | string | null } | undefined = await db(T.orders).max({ top: 'id' }).first();
      return Number(row?.top ?? 0) + 1;
    },
  };
}
