import type { RequestHandler } from 'express';
import type { OrderPage } from '../contract';
import type { HandlerDeps } from './deps';
import { parseOrderId, parsePaging } from './params';
import { HttpProblem } from './problems';

/** `GET /orders?page=&size=`: order headers in id order. */
export function listOrdersHandler({ repo }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const { page, size, offset } = parsePaging(req.query);
    const { items, total } = await repo.listOrders({ offset, limit: size });
    const body: OrderPage = { items, page, size, total };
    res.json(body);
  };
}

/** `GET /orders/:id`: the whole aggregate. */
export function getOrderHandler({ repo }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = parseOrderId(req.params.id);
    const order = await repo.getOrder(id);
    if (order === undefined) throw new HttpProblem('order-not-found', `order ${id} does not exist`);
    res.json(order);
  };
}
