import express from 'express';
import type { Knex } from 'knex';
import { requestLog, type Logger } from '../../../platform';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './health';
import { customersRouter, inventoryRouter, productsRouter } from './master-data';
import { ordersRouter } from './orders';
import { reportsRouter } from './reports';

/** What the monolith's HTTP layer is built from; the composition root provides it. */
export interface LegacyAppDeps {
  db: Knex;
  logger: Logger;
  /** Source of "now" for change timestamps written by checkout; defaults to the wall clock. */
  clock?: () => Date;
}

/** Builds the monolith's express application over an open (migrated) database. */
export function createLegacyApp({ db, logger, clock = () => new Date() }: LegacyAppDeps): express.Application {
  const app = express();
  app.use(requestLog(logger));
  app.use(express.json({ limit: '100kb' }));
  app.use('/health', healthRouter(db));
  app.use('/api/products', productsRouter(db));
  app.use('/api/customers', customersRouter(db));
  app.use('/api/orders', ordersRouter(db, clock));
  app.use('/api/inventory', inventoryRouter(db));
  app.use('/api/reports', reportsRouter(db));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
