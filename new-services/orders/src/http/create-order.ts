import type { RequestHandler, Response } from 'express';
import { isShadowRequest, markShadow } from '../../../../platform';
import { CreateOrderSchema, type CreateOrder } from '../contract';
import { IdempotencyKeyTakenError } from '../db/errors';
import { placeOrder } from '../domain';
import type { CheckoutResult } from '../saga/results';
import { CHECKOUT_ANSWERS } from './checkout-answers';
import type { HandlerDeps } from './deps';
import { keyInFlight, keyReused, readIdempotencyKey, replay, requestHash } from './idempotency';
import { lookUpProducts } from './pricing';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

function answer(res: Response, result: Exclude<CheckoutResult, { kind: 'superseded' }>): void {
  if (result.kind === 'confirmed') {
    res.location(`/orders/${result.order.id}`).status(201).json(result.order);
    return;
  }
  if (result.kind === 'out-of-stock') {
    const { status, body } = CHECKOUT_ANSWERS.outOfStock(result);
    res.status(status).type('application/problem+json').send(JSON.stringify(body));
    return;
  }
  const ids = { ...(result.orderId === undefined ? {} : { orderId: result.orderId }), ...(result.sagaId === undefined ? {} : { sagaId: result.sagaId }) };
  throw new HttpProblem('inventory-unavailable', `inventory could not be asked; nothing was reserved and the order was not placed (${result.reason})`, undefined, ids);
}

/**
 * Requests with one key run one after the other in this process, so a double submit waits for
 * the first saga's answer and replays it instead of starting a second one. (Across processes the
 * key's primary key decides, and a duplicate arriving mid-saga is told to retry.)
 */
function serialisedByKey() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    tails.set(key, mine);
    try {
      return await mine;
    } finally {
      if (tails.get(key) === mine) tails.delete(key);
    }
  };
}

/**
 * `POST /orders`: key and body checked, prior use of the key answered from its record, lines
 * priced from the catalog and the order built by the domain (`pending`), then the checkout saga:
 * reserve each line, confirm, commit. A shadow copy runs dry: priced and checked against current
 * stock, and nothing reserved or written.
 */
export function createOrderHandler({ repo, catalog, clock, checkout }: HandlerDeps): RequestHandler {
  const oneAtATime = serialisedByKey();
  const place = async (res: Response, body: CreateOrder, key: string, hash: string, shadow: boolean): Promise<void> => {
    const previous = await repo.findIdempotency(key);
    if (previous !== undefined) {
      if (previous.requestHash !== hash) throw keyReused();
      if (shadow) markShadow(res);
      replay(res, previous);
      return;
    }
    const products = await lookUpProducts(catalog, body.lines);
    const order = placeOrder(body, products, clock());
    if (shadow) {
      markShadow(res);
      const result = await checkout.dryRun(order);
      if (result.kind !== 'superseded') answer(res, result);
      return;
    }
    let result: CheckoutResult;
    try {
      result = await checkout.place(order, { key, requestHash: hash });
    } catch (err) {
      if (!(err instanceof IdempotencyKeyTakenError)) throw err;
      // Another process won the key: answer what it answered, or say it is still at work.
      const winner = await repo.findIdempotency(key);
      if (winner === undefined) throw keyInFlight();
      if (winner.requestHash !== hash) throw keyReused();
      replay(res, winner);
      return;
    }
    if (result.kind === 'superseded') {
      const record = await repo.findIdempotency(key);
      if (record === undefined) throw new HttpProblem('concurrent-update', `order ${result.orderId} was decided by another run of its saga; retry`);
      replay(res, record);
      return;
    }
    answer(res, result);
  };
  return async (req, res) => {
    const key = readIdempotencyKey(req);
    const body = parseOr400(CreateOrderSchema, req.body, 'order');
    const hash = requestHash(body);
    const shadow = isShadowRequest(req);
    await oneAtATime(key, () => place(res, body, key, hash, shadow));
  };
}
