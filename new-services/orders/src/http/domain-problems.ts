import type { ProblemMapper } from '../../../../platform';
import { isCatalogUnavailable } from '../catalog-client';
import { isInventoryUnavailable } from '../inventory-client';
import { ConcurrentUpdateError } from '../db/errors';
import { IllegalTransitionError, OrderInvariantError, ProductNotOrderableError } from '../domain';
import { HttpProblem } from './problems';

/** Domain and dependency errors to problems: the one place that knows which status each one is. */
export const toProblem: ProblemMapper = (err) => {
  if (err instanceof OrderInvariantError) {
    return new HttpProblem('order-invariant-violated', err.message, err.violations.map(({ path, message }) => ({ path, message })));
  }
  if (err instanceof IllegalTransitionError) {
    return new HttpProblem('illegal-status-transition', err.message, undefined, { from: err.from, to: err.to, allowed: err.allowed });
  }
  if (err instanceof ProductNotOrderableError) {
    const errors = err.lines.map((l) => ({ path: `lines[${l.index}].productId`, message: `product ${l.productId} is ${l.status}, not active` }));
    return new HttpProblem('product-not-orderable', err.message, errors);
  }
  if (isInventoryUnavailable(err)) return new HttpProblem('inventory-unavailable', err.message, undefined, { reason: err.reason });
  if (isCatalogUnavailable(err)) return new HttpProblem('catalog-unavailable', err.message, undefined, { reason: err.reason });
  if (err instanceof ConcurrentUpdateError) return new HttpProblem('concurrent-update', err.message);
  return undefined;
};
