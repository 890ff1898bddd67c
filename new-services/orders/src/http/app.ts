import express from 'express';
import type { Knex } from 'knex';
import { healthHandler, isShadowRequest, notFoundProblem, problemResponder, requestLog, type Logger } from '../../../../platform';
import type { CatalogClient } from '../catalog-client';
import { createKnexOrdersRepository } from '../db/knex-repository';
import { createKnexSagaLog } from '../db/saga-log';
import type { InventoryClient } from '../inventory-client';
import type { RetryPolicy } from '../saga/backoff';
import { createCheckout, type Checkout } from '../saga/checkout';
import { createCheckoutMetrics } from '../saga/metrics';
import { importBatchHandler } from './batch';
import { deleteBatchHandler } from './batch-delete';
import { CHECKOUT_ANSWERS } from './checkout-answers';
import { createOrderHandler } from './create-order';
import type { HandlerDeps } from './deps';
import { toProblem } from './domain-problems';
import { changeStatusHandler } from './order-status';
import { getOrderHandler, listOrdersHandler } from './read-orders';
import { getSagaHandler, retrySagaHandler } from './sagas';

/** What the orders service is built from: its migrated database, the two services checkout calls, and a logger. */
export interface OrdersAppDeps {
  db: Knex;
  catalog: CatalogClient;
  inventory: InventoryClient;
  logger: Logger;
  /** Source of "now" for placedAt/updatedAt and the saga log; defaults to the wall clock. */
  clock?: () => Date;
  /** How patiently commits and compensations are retried before a saga is marked stuck. */
  retry?: RetryPolicy;
}

/** The service: its HTTP app, and its checkout saga, whose recovery and retries run beside the app. */
export interface OrdersService {
  readonly app: express.Application;
  readonly checkout: Checkout;
  /** Stops background retries (the server stops first). */
  stop(): Promise<void>;
}

/** Builds the orders service; nothing runs until a request comes or `checkout.recover()` is called. */
export function createOrdersService(deps: OrdersAppDeps): OrdersService {
  const clock = deps.clock ?? (() => new Date());
  const repo = createKnexOrdersRepository(deps.db, clock);
  const sagas = createKnexSagaLog(deps.db);
  const metrics = createCheckoutMetrics(sagas);
  const checkout = createCheckout({ log: sagas, repo, inventory: deps.inventory, clock, logger: deps.logger, metrics, answers: CHECKOUT_ANSWERS, retry: deps.retry });
  const handlers: HandlerDeps = { repo, sagas, catalog: deps.catalog, checkout, logger: deps.logger, clock };
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger, (req) => (isShadowRequest(req) ? { shadow: true } : {})));
  // Sized for the backfill: a batch of 500 orders with all their lines.
  app.use(express.json({ limit: '5mb' }));
  app.get('/health', healthHandler(repo));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/orders', listOrdersHandler(handlers));
  app.post('/orders', createOrderHandler(handlers));
  // Registered before /orders/:id so "batch" and "batch-delete" are never read as ids.
  app.post('/orders/batch', importBatchHandler(handlers));
  app.post('/orders/batch-delete', deleteBatchHandler(handlers));
  app.get('/orders/:id', getOrderHandler(handlers));
  app.post('/orders/:id/status', changeStatusHandler(handlers));
  app.get('/sagas/:id', getSagaHandler(handlers));
  app.post('/sagas/:id/retry', retrySagaHandler(handlers));
  app.use(notFoundProblem);
  app.use(problemResponder(deps.logger, toProblem));
  return { app, checkout, stop: () => checkout.stop() };
}

/** Builds the orders service's express application (its checkout's background work is not started). */
export function createOrdersApp(deps: OrdersAppDeps): express.Application {
  return createOrdersService(deps).app;
}
