import type { Knex } from 'knex';
import { legacyOrder, legacyProduct, legacyOrderHeader, legacyOrderLine, legacyStock, type DbRow, type LegacyJson, type LegacyOrderJson } from './legacy-json';
import { legacyQuery, type LegacySource } from './legacy-source';

/** One legacy entity, ready for its ACL mapping. */
export interface LegacyRecord {
  readonly key: number;
  /** The row's change timestamp (`YYYYMMDDHHMMSS`), for the sync's high-water mark. */
  readonly changedAt: string;
  readonly json: LegacyJson | LegacyOrderJson;
}

export type ContextName = 'catalog' | 'orders' | 'inventory';

/** Everything that differs between moving products and moving orders; the engine is the same. */
export interface MovementContext {
  readonly name: ContextName;
  readonly table: string;
  readonly key: string;
  readonly changeColumn: string;
  readonly mapping: string;
  /** Collection path of the service's contract (`/products`, `/orders`, `/inventory`). */
  readonly servicePath: string;
  /** The field of the service's items that holds the legacy key (`id`; stock is keyed by `productId`). */
  readonly serviceKey: string;
  /** Query parameters that make the service's list answer full entities (orders list summaries otherwise). */
  readonly listQuery: Readonly<Record<string, string>>;
  /** The service's batch limit (catalog and inventory 1000, orders 500). */
  readonly maxBatch: number;
  /** Up to `limit` records with key > `after` in key order, optionally only those changed at or after `since`. */
  readBatch(source: LegacySource, after: number, limit: number, since?: string): Promise<LegacyRecord[]>;
  /** Up to `limit` keys > `after`, in key order (delete detection streams keys only). */
  readKeys(source: LegacySource, after: number, limit: number): Promise<number[]>;
}

/** Keyset pagination, never OFFSET: each batch costs the same however deep into the table it is. */
function keyset(db: Knex, table: string, key: string, changeColumn: string, after: number, limit: number, since?: string): Knex.QueryBuilder {
  const q = db(table).where(key, '>', after).orderBy(key, 'asc').limit(limit);
  return since === undefined ? q : q.andWhere(changeColumn, '>=', since);
}

function readKeysOf(table: string, key: string) {
  return async (source: LegacySource, after: number, limit: number): Promise<number[]> => {
    const rows: DbRow[] = await legacyQuery(source, `read ${table} keys`, (db) => db(table).select(key).where(key, '>', after).orderBy(key, 'asc').limit(limit));
    return rows.map((r) => Number(r[key]));
  };
}

export const catalogContext: MovementContext = {
  name: 'catalog',
  table: 'PRD_MSTR',
  key: 'PRD_ID',
  changeColumn: 'PRD_UPD_TS',
  mapping: 'catalog/product-read',
  servicePath: '/products',
  serviceKey: 'id',
  listQuery: {},
  maxBatch: 1000,
  async readBatch(source, after, limit, since) {
    const rows: DbRow[] = await legacyQuery(source, 'read PRD_MSTR', (db) =>
      keyset(db, 'PRD_MSTR', 'PRD_ID', 'PRD_UPD_TS', after, limit, since).select(legacyProduct.columns),
    );
    return rows.map((row) => {
      const json = legacyProduct.serialize(row);
      return { key: json.PRD_ID as number, changedAt: String(json.PRD_UPD_TS), json };
    });
  },
  readKeys: readKeysOf('PRD_MSTR', 'PRD_ID'),
};

export const ordersContext: MovementContext = {
  name: 'orders',
  table: 'ORD_HDR',
  key: 'ORD_ID',
  changeColumn: 'ORD_UPD_TS',
  mapping: 'orders/order-read',
  servicePath: '/orders',
  serviceKey: 'id',
  listQuery: { expand: 'lines' },
  maxBatch: 500,
  async readBatch(source, after, limit, since) {
    const headers: DbRow[] = await legacyQuery(source, 'read ORD_HDR', (db) =>
      keyset(db, 'ORD_HDR', 'ORD_ID', 'ORD_UPD_TS', after, limit, since).select(legacyOrderHeader.columns),
    );
    if (headers.length === 0) return [];
    const ids = headers.map((h) => Number(h.ORD_ID));
    // One query for the whole batch's lines instead of one per order.
    const lines: DbRow[] = await legacyQuery(source, 'read ORD_LN', (db) =>
      db('ORD_LN').select(legacyOrderLine.columns).whereIn('ORD_ID', ids).orderBy([{ column: 'ORD_ID' }, { column: 'ORD_LN_NO' }]),
    );
    const byOrder = new Map<number, DbRow[]>();
    for (const line of lines) {
      const id = Number(line.ORD_ID);
      const list = byOrder.get(id);
      if (list === undefined) byOrder.set(id, [line]);
      else list.push(line);
    }
    return headers.map((header) => {
      const json = legacyOrder(header, byOrder.get(Number(header.ORD_ID)) ?? []);
      return { key: json.ORD_ID as number, changedAt: String(json.ORD_UPD_TS), json };
    });
  },
  readKeys: readKeysOf('ORD_HDR', 'ORD_ID'),
};

/**
 * Stock balances (INV_BAL), keyed by product. Moved only while the monolith owns stock, that is
 * while checkout is still legacy; once checkout runs in the orders service, inventory owns stock
 * and sync must stop (see the README, "Extract checkout").
 */
export const inventoryContext: MovementContext = {
  name: 'inventory',
  table: 'INV_BAL',
  key: 'PRD_ID',
  changeColumn: 'INV_UPD_TS',
  mapping: 'inventory/stock-read',
  servicePath: '/inventory',
  serviceKey: 'productId',
  listQuery: {},
  maxBatch: 1000,
  async readBatch(source, after, limit, since) {
    const rows: DbRow[] = await legacyQuery(source, 'read INV_BAL', (db) =>
      keyset(db, 'INV_BAL', 'PRD_ID', 'INV_UPD_TS', after, limit, since).select(legacyStock.columns),
    );
    return rows.map((row) => {
      const json = legacyStock.serialize(row);
      return { key: json.PRD_ID as number, changedAt: String(json.INV_UPD_TS), json };
    });
  },
  readKeys: readKeysOf('INV_BAL', 'PRD_ID'),
};

export const CONTEXTS: Readonly<Record<ContextName, MovementContext>> = { catalog: catalogContext, orders: ordersContext, inventory: inventoryContext };

export function isContextName(value: string): value is ContextName {
  return value === 'catalog' || value === 'orders' || value === 'inventory';
}
