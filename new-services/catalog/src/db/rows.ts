import type { Product } from '../contract';
import { ProductStatusSchema } from '../contract';
import type { StoredProduct } from '../domain/product';

/** A `products` row as both drivers return it (MySQL may hand BIGINT back as a string). */
export interface ProductRow {
  id: number | string;
  sku: string;
  name: string;
  description: string | null;
  price_amount: number | string;
  price_currency: string;
  status: string;
  updated_at: string;
  version: number | string;
}

/** Named, never `*`, so a column added by a later migration does not change what old code reads. */
export const PRODUCT_COLUMNS: readonly string[] = ['id', 'sku', 'name', 'description', 'price_amount', 'price_currency', 'status', 'updated_at', 'version'];

export function toRow(product: Product, version: number): ProductRow {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price_amount: product.price.amount,
    price_currency: product.price.currency,
    status: product.status,
    updated_at: product.updatedAt,
    version,
  };
}

export function fromRow(row: ProductRow): StoredProduct {
  return {
    product: {
      id: Number(row.id),
      sku: row.sku,
      name: row.name,
      description: row.description,
      price: { amount: Number(row.price_amount), currency: row.price_currency },
      // Only the service writes this table, through the contract's schema; parse anyway so a bad row fails loudly.
      status: ProductStatusSchema.parse(row.status),
      updatedAt: row.updated_at,
    },
    version: Number(row.version),
  };
}
