import { DuplicateSkuError } from '../domain/errors';

/**
 * Recognises a unique-key violation from either driver: better-sqlite3 says SQLITE_CONSTRAINT_UNIQUE
 * (or _PRIMARYKEY), mysql2 says ER_DUP_ENTRY. The only unique key besides the id is the SKU.
 */
export function asDuplicateSku(err: unknown, sku?: string): DuplicateSkuError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const unique = code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'ER_DUP_ENTRY';
  if (!unique || !/sku/i.test(text)) return undefined;
  return new DuplicateSkuError(sku);
}
