import type express from 'express';
import type { Knex } from 'knex';
import { openDatabase, silentLogger } from '../../../platform';
import { createCatalogApp, migrateCatalog, type Product } from '../src/index';

/** A migrated in-memory catalog and its app; close() releases the database. */
export interface MemoryCatalog {
  db: Knex;
  app: express.Application;
  close(): Promise<void>;
}

export async function memoryCatalog(): Promise<MemoryCatalog> {
  const db = openDatabase('sqlite::memory:');
  await migrateCatalog(db);
  return { db, app: createCatalogApp({ db, logger: silentLogger }), close: () => db.destroy() };
}

/** A valid product; fields can be overridden per test. */
export function product(id: number, overrides: Partial<Product> = {}): Product {
  return {
    id,
    sku: `SKU-${String(id).padStart(5, '0')}`,
    name: `Product ${id}`,
    description: id % 3 === 0 ? null : `Description of product ${id}`,
    price: { amount: 100 * id + 99, currency: 'EUR' },
    status: id % 7 === 0 ? 'discontinued' : 'active',
    updatedAt: '2024-05-06T07:08:09Z',
    ...overrides,
  };
}

/** The PUT body of a product: the same fields without the id. */
export function writeBody(p: Product): Omit<Product, 'id'> {
  const { id: _id, ...rest } = p;
  return rest;
}

export async function countProducts(db: Knex): Promise<number> {
  const row = (await db('products').count({ n: '*' }).first()) as { n?: number | string } | undefined;
  return Number(row?.n ?? 0);
}

export const PROBLEM_JSON = /^application\/problem\+json/;
