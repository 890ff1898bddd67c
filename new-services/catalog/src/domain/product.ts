import type { Product } from '../contract';

/**
 * The Product aggregate as the service keeps it: the published body plus the version the service
 * owns. The version is not part of the body so that the contract stays the legacy-derived shape;
 * clients see it as the ETag.
 */
export interface StoredProduct {
  readonly product: Product;
  /** Starts at 1 and grows by one on every change that alters the body; never on an identical write. */
  readonly version: number;
}

/** What a single upsert did: the HTTP layer turns `created` into 201, the rest into 200. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export const FIRST_VERSION = 1;

/**
 * Whether two bodies describe the same product. `updatedAt` is compared as an instant, so
 * `…:12Z` and `…:12.000Z` are the same; otherwise a backfill re-run that formats times differently
 * would bump every version for nothing.
 */
export function sameProduct(a: Product, b: Product): boolean {
  return (
    a.id === b.id &&
    a.sku === b.sku &&
    a.name === b.name &&
    a.description === b.description &&
    a.price.amount === b.price.amount &&
    a.price.currency === b.price.currency &&
    a.status === b.status &&
    Date.parse(a.updatedAt) === Date.parse(b.updatedAt)
  );
}

/** The version a write leads to, and what kind of write it is, given what is stored now. */
export function nextVersion(current: StoredProduct | undefined, incoming: Product): { outcome: UpsertOutcome; version: number } {
  if (current === undefined) return { outcome: 'created', version: FIRST_VERSION };
  if (sameProduct(current.product, incoming)) return { outcome: 'unchanged', version: current.version };
  return { outcome: 'updated', version: current.version + 1 };
}
