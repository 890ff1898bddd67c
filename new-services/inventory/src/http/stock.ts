import { Router } from 'express';
import { isShadowRequest, markShadow } from '../../../../platform';
import { StockBatchDeleteSchema, StockBatchSchema, type StockPage } from '../contract';
import type { InventoryRepository } from '../db/repository';
import { parsePaging, parseProductId } from './params';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

/**
 * `/inventory`: stock reads in the contract, and the doors the data tools use while the monolith
 * still owns stock (`batch`, `batch-delete`). A shadow copy of a write answers the counts and writes nothing.
 */
export function stockRouter(repo: InventoryRepository): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { page, size, offset } = parsePaging(req.query);
    const { items, total } = await repo.listStock({ offset, limit: size });
    const body: StockPage = { items, page, size, total };
    res.json(body);
  });
  // Registered before /:productId so "batch" and "batch-delete" are never read as ids.
  router.post('/batch', async (req, res) => {
    const { items } = parseOr400(StockBatchSchema, req.body, 'stock batch');
    const first = new Map<number, number>();
    const repeats = items.flatMap((s, i) => {
      const seen = first.get(s.productId);
      if (seen === undefined) first.set(s.productId, i);
      return seen === undefined ? [] : [{ path: `items[${i}].productId`, message: `product ${s.productId} is also items[${seen}]` }];
    });
    if (repeats.length > 0) throw new HttpProblem('invalid-body', 'a product appears twice in the batch; nothing was imported', repeats);
    const shadow = isShadowRequest(req);
    if (shadow) markShadow(res);
    res.json(await repo.importStock(items, { dryRun: shadow }));
  });
  router.post('/batch-delete', async (req, res) => {
    const { ids } = parseOr400(StockBatchDeleteSchema, req.body, 'batch delete');
    const shadow = isShadowRequest(req);
    if (shadow) markShadow(res);
    res.json(await repo.deleteStock(ids, { dryRun: shadow }));
  });
  router.get('/:productId', async (req, res) => {
    const productId = parseProductId(req.params.productId);
    const stock = await repo.getStock(productId);
    if (stock === undefined) throw new HttpProblem('stock-not-found', `no stock is kept for product ${productId}`, undefined, { productId });
    res.json(stock);
  });
  return router;
}
