import { Router, type Response } from 'express';
import { ProductBatchDeleteSchema, ProductBatchSchema, ProductWriteSchema, type Product, type ProductPage, type ProductWrite } from '../contract';
import type { StoredProduct } from '../domain/product';
import type { ProductRepository } from '../db/repository';
import { methodNotAllowed } from './errors';
import { parseId, parsePaging } from './params';
import { etagOf, preconditionFrom } from './preconditions';
import { HttpProblem, type FieldIssue } from './problems';
import { isShadowCopy } from './shadow';
import { validateBody } from './validation';

/** The body in the contract's key order, with the id from the path. */
function toProduct(id: number, body: ProductWrite): Product {
  const { sku, name, description, price, status, updatedAt } = body;
  return { id, sku, name, description, price: { amount: price.amount, currency: price.currency }, status, updatedAt };
}

function sendStored(res: Response, status: number, stored: StoredProduct): void {
  res.status(status).set('etag', etagOf(stored.version)).json(stored.product);
}

/** Every repeat of an id, pointing at its first occurrence, so the client sees all of them at once. */
function duplicateIdIssues(items: readonly Product[]): FieldIssue[] {
  const first = new Map<number, number>();
  const issues: FieldIssue[] = [];
  items.forEach(({ id }, index) => {
    const seen = first.get(id);
    if (seen === undefined) first.set(id, index);
    else issues.push({ path: `items[${index}].id`, message: `duplicates items[${seen}].id (${id}); ids must be unique within a batch` });
  });
  return issues;
}

/** `/products`: paging, read by id with its ETag, idempotent conditional PUT, and the backfill's batch upsert and batch delete. */
export function productsRouter(repo: ProductRepository, clock: () => Date): Router {
  const router = Router();

  router
    .route('/')
    .get(async (req, res) => {
      const paging = parsePaging(req.query);
      const { items, total } = await repo.page(paging);
      // Stamped once the rows are read: when this page was produced.
      const body: ProductPage = { items, page: paging.page, size: paging.size, total, generatedAt: clock().toISOString() };
      res.json(body);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  router
    .route('/batch')
    .post(async (req, res) => {
      const { items } = validateBody(ProductBatchSchema, req.body);
      const repeated = duplicateIdIssues(items);
      if (repeated.length > 0) throw new HttpProblem('validation-failed', 'ids must be unique within a batch', repeated);
      res.json(await repo.upsertBatch(items, { dryRun: isShadowCopy(req) }));
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/batch-delete')
    .post(async (req, res) => {
      const { ids } = validateBody(ProductBatchDeleteSchema, req.body);
      res.json(await repo.deleteBatch(ids, { dryRun: isShadowCopy(req) }));
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/:id')
    .get(async (req, res) => {
      const id = parseId(req.params.id);
      const stored = await repo.get(id);
      if (stored === undefined) throw new HttpProblem('not-found', `product ${id} does not exist`);
      sendStored(res, 200, stored);
    })
    .put(async (req, res) => {
      const id = parseId(req.params.id);
      const body = validateBody(ProductWriteSchema, req.body);
      if (body.id !== undefined && body.id !== id) {
        throw new HttpProblem('validation-failed', `body id ${body.id} does not match path id ${id}`, [
          { path: 'id', message: `must equal the id in the path (${id})` },
        ]);
      }
      const { outcome, stored } = await repo.upsert(toProduct(id, body), {
        precondition: preconditionFrom(req),
        dryRun: isShadowCopy(req),
      });
      sendStored(res, outcome === 'created' ? 201 : 200, stored);
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT']));

  return router;
}
