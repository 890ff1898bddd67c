import type { RequestHandler } from 'express';
import { isShadowRequest, markShadow } from '../../../../platform';
import { OrderBatchDeleteSchema } from '../contract';
import type { HandlerDeps } from './deps';
import { parseOr400 } from './validate';

/**
 * `POST /orders/batch-delete`: the backfill's removal of orders the monolith no longer has. Ids
 * are 1..1000 and unique (a repeat is a 400 naming `ids[i]`); the orders, their lines and their
 * idempotency records go in one transaction. A shadow copy answers the counts and deletes nothing.
 */
export function deleteBatchHandler({ repo }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const { ids } = parseOr400(OrderBatchDeleteSchema, req.body, 'batch delete');
    const shadow = isShadowRequest(req);
    if (shadow) markShadow(res);
    res.json(await repo.deleteOrders(ids, { dryRun: shadow }));
  };
}
