import { Router } from 'express';
import type { Knex } from 'knex';
import { OrderRejectedError, placeOrder, type OrderRejection } from '../db/place-order';
import { readOrder } from '../db/order-reader';
import { T } from '../db/tables';
import { LegacyHttpError } from './errors';
import { parseNewOrder } from './order-body';
import { readPage } from './paged';
import { parseId, parsePaging } from './params';
import { orderHeaderShape, orderLineShape, type JsonValue, type LegacyJson } from './shapes';

/** A rejected checkout is the caller's problem (400) or a conflict with the shop's current state (409). */
const REJECTION_STATUS: Record<OrderRejection, number> = {
  CUST_NOT_FND: 400,
  PRD_NOT_FND: 400,
  PRD_NOT_SELLABLE: 409,
  INSUF_STK: 409,
};

async function orderJson(db: Knex, orderId: number): Promise<Record<string, JsonValue | LegacyJson[]> | undefined> {
  const stored = await readOrder(db, orderId);
  if (stored === undefined) return undefined;
  return { ...orderHeaderShape.serialize(stored.header), LINES: stored.lines.map((l) => orderLineShape.serialize(l)) };
}

/** `/api/orders`: paged headers, one order with its LINES, and checkout. */
export function ordersRouter(db: Knex, clock: () => Date): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await readPage(db, T.orderHeader, 'ORD_ID', orderHeaderShape, parsePaging(req.query)));
  });
  router.get('/:id', async (req, res) => {
    const id = parseId(req.params.id, 'order id');
    const order = await orderJson(db, id);
    if (order === undefined) throw new LegacyHttpError(404, 'ORD_NOT_FND', `order ${id} not found`);
    res.json(order);
  });
  router.post('/', async (req, res) => {
    const input = parseNewOrder(req.body);
    let orderId: number;
    try {
      orderId = await placeOrder(db, input, clock());
    } catch (err) {
      if (err instanceof OrderRejectedError) throw new LegacyHttpError(REJECTION_STATUS[err.reason], err.reason, err.message);
      throw err;
    }
    const order = await orderJson(db, orderId);
    res.status(201).location(`/api/orders/${orderId}`).json(order);
  });
  return router;
}
