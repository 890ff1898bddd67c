import type { RequestHandler, Response } from 'express';
import { CreateOrderSchema, type Order } from '../contract';
import { IdempotencyKeyTakenError } from '../db/errors';
import { placeOrder } from '../domain';
import type { HandlerDeps } from './deps';
import { keyReused, readIdempotencyKey, replay, requestHash } from './idempotency';
import { lookUpProducts } from './pricing';
import { HttpProblem } from './problems';
import { isShadowRequest, markShadow } from './shadow';
import { parseOr400 } from './validate';

function created(res: Response, order: Order): void {
  res.location(`/orders/${order.id}`).status(201).json(order);
}

/**
 * `POST /orders`: key and body checked, prior use of the key answered from its record, lines
 * priced from the catalog, the order built by the domain, and order + lines + key stored in one
 * transaction. A shadow copy goes through every step but the write.
 */
export function createOrderHandler({ repo, catalog, clock }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const key = readIdempotencyKey(req);
    const body = parseOr400(CreateOrderSchema, req.body, 'order');
    const hash = requestHash(body);
    const previous = await repo.findIdempotency(key);
    if (previous !== undefined) {
      if (previous.requestHash !== hash) throw keyReused();
      if (isShadowRequest(req)) markShadow(res);
      replay(res, previous);
      return;
    }
    const products = await lookUpProducts(catalog, body.lines);
    const order = placeOrder(body, products, clock());
    if (isShadowRequest(req)) {
      // Answer as if created, with the id the store would probably give, and write nothing at all.
      markShadow(res);
      created(res, { id: await repo.nextOrderId(), ...order });
      return;
    }
    try {
      created(res, await repo.createOrder(order, { key, requestHash: hash }, (stored) => ({ status: 201, body: stored })));
    } catch (err) {
      if (!(err instanceof IdempotencyKeyTakenError)) throw err;
      // A concurrent duplicate won the key: answer what it answered, exactly as a later retry would get.
      const winner = await repo.findIdempotency(key);
      if (winner === undefined) throw new HttpProblem('concurrent-update', 'a concurrent request with this Idempotency-Key did not complete; retry');
      if (winner.requestHash !== hash) throw keyReused();
      replay(res, winner);
    }
  };
}
