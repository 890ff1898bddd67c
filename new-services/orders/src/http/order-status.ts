import type { RequestHandler } from 'express';
import { z } from 'zod';
import { isShadowRequest, markShadow } from '../../../../platform';
import { OrderStatusSchema } from '../contract';
import { ConcurrentUpdateError } from '../db/errors';
import { transitionOrder } from '../domain';
import type { HandlerDeps } from './deps';
import { parseOrderId } from './params';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

/** Body of `POST /orders/:id/status`. */
export const StatusChangeSchema = z.object({ status: OrderStatusSchema }).strict();

/** `POST /orders/:id/status`: the domain decides whether the step is allowed; the store refuses a lost race. */
export function changeStatusHandler({ repo, clock }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = parseOrderId(req.params.id);
    const { status } = parseOr400(StatusChangeSchema, req.body, 'status change');
    const order = await repo.getOrder(id);
    if (order === undefined) throw new HttpProblem('order-not-found', `order ${id} does not exist`);
    // Only the checkout saga moves a pending order; a client waits for it, it does not decide it.
    if (order.status === 'pending') throw new HttpProblem('order-pending', `order ${id} is still being placed by checkout; its status is the saga's to decide`);
    const next = transitionOrder(order, status, clock());
    if (isShadowRequest(req)) {
      markShadow(res);
    } else if (!(await repo.updateStatus(next, order.status))) {
      throw new ConcurrentUpdateError(`order ${id} changed status while this request ran; read it again and retry`);
    }
    res.json(next);
  };
}
