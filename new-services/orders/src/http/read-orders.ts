import type { RequestHandler } from 'express';
import type { OrderFullPage, OrderPage } from '../contract';
import type { HandlerDeps } from './deps';
import { parseListQuery, parseOrderId } from './params';
import { HttpProblem } from './problems';

/** `GET /orders?page=&size=[&expand=lines]`: order headers in id order, or whole orders with `expand=lines`. */
export function listOrdersHandler({ repo }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const { page, size, offset, expand } = parseListQuery(req.query);
    if (expand === 'lines') {
      const full = await repo.listFullOrders({ offset, limit: size });
      const body: OrderFullPage = { items: full.items, page, size, total: full.total };
      res.json(body);
      return;
    }
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
