import { isPrimaryKeyViolation, isUniqueViolation } from '../../../../platform';
import { DuplicateSkuError } from '../domain/errors';

/**
 * The only unique key besides the id is the SKU, so a unique violation that is not the primary
 * key's is a duplicate SKU, on either engine. (The driver's message is no guide: knex puts the
 * statement, which names the sku column, in front of it.)
 */
export function asDuplicateSku(err: unknown, sku?: string): DuplicateSkuError | undefined {
  return isUniqueViolation(err) && !isPrimaryKeyViolation(err) ? new DuplicateSkuError(sku) : undefined;
}
