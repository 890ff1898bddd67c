import { problemBody } from '../../../../platform';
import type { Order } from '../contract';
import type { StoredResponse } from '../db/repository';
import type { CheckoutAnswers, OutOfStock } from '../saga/results';
import { HttpProblem } from './problems';

/** The 409 a checkout gets when a line cannot be reserved, naming the product; stored with the key, so a retry gets it byte for byte. */
export function outOfStockProblem(refusal: OutOfStock): HttpProblem {
  const { productId, requested, available, orderId, sagaId } = refusal;
  return new HttpProblem('out-of-stock', `product ${productId}: ${requested} requested, ${available} available`, [{ path: 'lines', message: `product ${productId} is out of stock` }], {
    productId,
    requested,
    available,
    ...(orderId === undefined ? {} : { orderId }),
    ...(sagaId === undefined ? {} : { sagaId }),
  });
}

/** How the saga's answers are worded; the same words whether answered now or replayed later. */
export const CHECKOUT_ANSWERS: CheckoutAnswers = {
  confirmed: (order: Order): StoredResponse => ({ status: 201, body: order }),
  // No requestId in it: a replay answers a different request with the same body.
  outOfStock: (refusal) => ({ status: 409, body: problemBody(outOfStockProblem(refusal)) }),
};
