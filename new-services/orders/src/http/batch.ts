import type { RequestHandler } from 'express';
import { isShadowRequest, markShadow } from '../../../../platform';
import { OrderBatchSchema } from '../contract';
import { orderViolations } from '../domain';
import type { HandlerDeps } from './deps';
import { HttpProblem, type FieldIssue } from './problems';
import { parseOr400 } from './validate';

/**
 * `POST /orders/batch`: the backfill's bulk import of existing orders, ids included. Every order
 * is checked by the domain first and the whole batch is refused if any is unsound, so a batch is
 * applied entirely or not at all.
 */
export function importBatchHandler({ repo }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const { items } = parseOr400(OrderBatchSchema, req.body, 'order batch');
    const errors: FieldIssue[] = [];
    const firstIndex = new Map<number, number>();
    items.forEach((order, i) => {
      const seen = firstIndex.get(order.id);
      if (seen !== undefined) errors.push({ path: `items[${i}].id`, message: `order ${order.id} is also items[${seen}]` });
      else firstIndex.set(order.id, i);
      for (const v of orderViolations(order)) errors.push({ path: `items[${i}].${v.path}`, message: v.message });
    });
    if (errors.length > 0) {
      throw new HttpProblem('order-invariant-violated', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the batch; nothing was imported`, errors);
    }
    const shadow = isShadowRequest(req);
    if (shadow) markShadow(res);
    res.json(await repo.importOrders(items, { dryRun: shadow }));
  };
}
