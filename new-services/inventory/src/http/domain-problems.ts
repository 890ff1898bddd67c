import type { ProblemMapper } from '../../../../platform';
import {
  InsufficientStockError,
  ReservationIdReusedError,
  ReservationNotFoundError,
  ReservationStateError,
  StockInvariantError,
  StockNotFoundError,
} from '../domain/errors';
import { HttpProblem } from './problems';

/** Domain refusals to problems: the one place that knows which status each one is. */
export const toProblem: ProblemMapper = (err) => {
  if (err instanceof InsufficientStockError) {
    return new HttpProblem('out-of-stock', err.message, undefined, { productId: err.productId, requested: err.requested, available: err.available });
  }
  if (err instanceof StockNotFoundError) return new HttpProblem('stock-not-found', err.message, undefined, { productId: err.productId });
  if (err instanceof ReservationNotFoundError) return new HttpProblem('reservation-not-found', err.message);
  if (err instanceof ReservationIdReusedError) return new HttpProblem('reservation-id-reused', err.message);
  if (err instanceof ReservationStateError) return new HttpProblem('reservation-state', err.message, undefined, { state: err.state });
  if (err instanceof StockInvariantError) {
    return new HttpProblem(
      'stock-invariant-violated',
      `${err.items.length} item${err.items.length === 1 ? '' : 's'} would leave too little on hand; nothing was imported`,
      err.items.map((i) => ({ path: `items[${i.index}]`, message: `product ${i.productId}: ${i.message}` })),
    );
  }
  return undefined;
};
