import type { Knex } from 'knex';
import type { BatchDeleteResult, Product, ProductBatchResult } from '../contract';
import { DuplicateIdError, PreconditionFailedError } from '../domain/errors';
import { always, type Precondition } from '../domain/preconditions';
import { nextVersion, type StoredProduct, type UpsertOutcome } from '../domain/product';
import { PRODUCTS_TABLE } from './migrations/m001-products';
import { fromRow, PRODUCT_COLUMNS, toRow, type ProductRow } from './rows';
import { asDuplicateSku } from './unique-violation';
import { withRetryOnRace } from './race';

/** Which slice of the id-ordered catalogue to read. */
export interface PageRequest {
  page: number;
  size: number;
}

export interface UpsertOptions {
  /** Checked against the stored version inside the write's transaction. */
  precondition?: Precondition;
  /** Decide and answer as if written, but write nothing (the gateway's shadow copies). */
  dryRun?: boolean;
}

export interface UpsertResult {
  outcome: UpsertOutcome;
  stored: StoredProduct;
}

/** Everything the HTTP layer needs from storage; the knex implementation below is the only one in production. */
export interface ProductRepository {
  get(id: number): Promise<StoredProduct | undefined>;
  page(request: PageRequest): Promise<{ items: Product[]; total: number }>;
  upsert(product: Product, options?: UpsertOptions): Promise<UpsertResult>;
  /**
   * All or nothing, in one transaction; identical rows are left untouched. Rows are written one by
   * one, so a batch that swaps SKUs between two existing products trips the unique SKU index (409).
   */
  upsertBatch(products: readonly Product[], options?: { dryRun?: boolean }): Promise<ProductBatchResult>;
  /**
   * Deletes the products with these (unique) ids in one transaction; ids with no product count as
   * `missing`. `dryRun` counts without deleting.
   */
  deleteBatch(ids: readonly number[], options?: { dryRun?: boolean }): Promise<BatchDeleteResult>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
}

/** Rows per statement: well under SQLite's bound-variable limit and MySQL's packet size. */
const CHUNK = 200;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function duplicateIds(ids: readonly number[]): number[] {
  const seen = new Set<number>();
  const repeated = new Set<number>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return [...repeated];
}

export function createKnexProductRepository(db: Knex): ProductRepository {
  // SQLite serialises writers on its single connection; MySQL needs row locks to make read-decide-write atomic.
  const locking = db.client.config.client === 'mysql2';
  const select = (q: Knex.Transaction | Knex) => {
    const query = q(PRODUCTS_TABLE).select<ProductRow[]>(PRODUCT_COLUMNS);
    return locking ? query.forUpdate() : query;
  };

  async function write(trx: Knex.Transaction, product: Product, current: StoredProduct | undefined, version: number): Promise<void> {
    try {
      if (current === undefined) {
        await trx(PRODUCTS_TABLE).insert(toRow(product, version));
      } else {
        const changed = await trx(PRODUCTS_TABLE).where({ id: product.id, version: current.version }).update(toRow(product, version));
        // Cannot happen under the lock; if it does, someone wrote around the service and the caller must re-read.
        if (changed !== 1) throw new PreconditionFailedError(product.id, undefined);
      }
    } catch (err) {
      throw asDuplicateSku(err, product.sku) ?? err;
    }
  }

  return {
    async get(id) {
      const row = await db(PRODUCTS_TABLE).select<ProductRow[]>(PRODUCT_COLUMNS).where('id', id).first<ProductRow | undefined>();
      return row === undefined ? undefined : fromRow(row);
    },

    async page({ page, size }) {
      const counted = (await db(PRODUCTS_TABLE).count({ n: '*' }).first()) as { n?: number | string } | undefined;
      const rows = (await db(PRODUCTS_TABLE)
        .select<ProductRow[]>(PRODUCT_COLUMNS)
        .orderBy('id', 'asc')
        .limit(size)
        .offset((page - 1) * size)) as ProductRow[];
      return { items: rows.map((row) => fromRow(row).product), total: Number(counted?.n ?? 0) };
    },

    upsert(product, { precondition = always, dryRun = false } = {}) {
      return withRetryOnRace(() =>
        db.transaction(async (trx) => {
          const row = (await select(trx).where('id', product.id).first()) as ProductRow | undefined;
          const current = row === undefined ? undefined : fromRow(row);
          if (!precondition(current?.version)) throw new PreconditionFailedError(product.id, current?.version);
          const { outcome, version } = nextVersion(current, product);
          if (outcome !== 'unchanged' && !dryRun) await write(trx, product, current, version);
          const body = outcome === 'unchanged' && current !== undefined ? current.product : product;
          return { outcome, stored: { product: body, version } };
        }),
      );
    },

    async upsertBatch(products, { dryRun = false } = {}) {
      const repeated = duplicateIds(products.map((p) => p.id));
      if (repeated.length > 0) throw new DuplicateIdError(repeated);
      return withRetryOnRace(() =>
        db.transaction(async (trx) => {
          const counts: ProductBatchResult = { inserted: 0, updated: 0, unchanged: 0 };
          for (const chunk of chunks(products, CHUNK)) {
            const rows = (await select(trx).whereIn('id', chunk.map((p) => p.id))) as ProductRow[];
            const stored = new Map(rows.map((row) => [Number(row.id), fromRow(row)] as const));
            const inserts: ProductRow[] = [];
            for (const product of chunk) {
              const current = stored.get(product.id);
              const { outcome, version } = nextVersion(current, product);
              if (outcome === 'created') {
                counts.inserted += 1;
                inserts.push(toRow(product, version));
              } else if (outcome === 'updated') {
                counts.updated += 1;
                if (!dryRun) await write(trx, product, current, version);
              } else {
                counts.unchanged += 1;
              }
            }
            if (inserts.length > 0 && !dryRun) {
              try {
                await trx(PRODUCTS_TABLE).insert(inserts);
              } catch (err) {
                throw asDuplicateSku(err) ?? err;
              }
            }
          }
          return counts;
        }),
      );
    },

    async deleteBatch(ids, { dryRun = false } = {}) {
      // A repeat would be counted as missing the second time: refuse it, as the upsert does.
      const repeated = duplicateIds(ids);
      if (repeated.length > 0) throw new DuplicateIdError(repeated);
      return db.transaction(async (trx) => {
        let deleted = 0;
        for (const chunk of chunks(ids, CHUNK)) {
          if (dryRun) {
            const counted = (await trx(PRODUCTS_TABLE).whereIn('id', chunk).count({ n: '*' }).first()) as { n?: number | string } | undefined;
            deleted += Number(counted?.n ?? 0);
          } else {
            // The affected-row count, not an earlier read, so a concurrent delete is never counted twice.
            deleted += await trx(PRODUCTS_TABLE).whereIn('id', chunk).delete();
          }
        }
        return { deleted, missing: ids.length - deleted };
      });
    },

    async ping() {
      await db.raw('select 1');
    },
  };
}
