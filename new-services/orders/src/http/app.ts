import express from 'express';
import type { Knex } from 'knex';
import { notFoundProblem, problemResponder, requestLog, type Logger } from '../../../../platform';
import type { CatalogClient } from '../catalog-client';
import { createKnexOrdersRepository } from '../db/knex-repository';
import type { OrdersRepository } from '../db/repository';
import { importBatchHandler } from './batch';
import { deleteBatchHandler } from './batch-delete';
import { createOrderHandler } from './create-order';
import type { HandlerDeps } from './deps';
import { toProblem } from './domain-problems';
import { healthHandler } from './health';
import { changeStatusHandler } from './order-status';
import { getOrderHandler, listOrdersHandler } from './read-orders';
import { isShadowRequest } from './shadow';

/** What the orders HTTP layer is built from; give either a repository or a migrated knex database. */
export type OrdersAppDeps = ({ repo: OrdersRepository; db?: undefined } | { db: Knex; repo?: undefined }) & {
  catalog: CatalogClient;
  logger: Logger;
  /** Source of "now" for placedAt/updatedAt; defaults to the wall clock. */
  clock?: () => Date;
};

/** Builds the orders service's express application. */
export function createOrdersApp(deps: OrdersAppDeps): express.Application {
  const clock = deps.clock ?? (() => new Date());
  const repo = deps.repo ?? createKnexOrdersRepository(deps.db, clock);
  const handlers: HandlerDeps = { repo, catalog: deps.catalog, logger: deps.logger, clock };
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger, (req) => (isShadowRequest(req) ? { shadow: true } : {})));
  // Sized for the backfill: a batch of 500 orders with all their lines.
  app.use(express.json({ limit: '5mb' }));
  app.get('/health', healthHandler(repo));
  app.get('/orders', listOrdersHandler(handlers));
  app.post('/orders', createOrderHandler(handlers));
  // Registered before /orders/:id so "batch" and "batch-delete" are never read as ids.
  app.post('/orders/batch', importBatchHandler(handlers));
  app.post('/orders/batch-delete', deleteBatchHandler(handlers));
  app.get('/orders/:id', getOrderHandler(handlers));
  app.post('/orders/:id/status', changeStatusHandler(handlers));
  app.use(notFoundProblem);
  app.use(problemResponder(deps.logger, toProblem));
  return app;
}
