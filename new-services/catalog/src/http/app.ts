import express from 'express';
import type { Knex } from 'knex';
import { createKnexProductRepository, type ProductRepository } from '../db/repository';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './health';
import type { CatalogLogger } from './logger';
import { productsRouter } from './products';
import { requestLog } from './request-log';

/** The largest body accepted: a full 1000-product batch with long descriptions fits. */
export const BODY_LIMIT = '5mb';

/**
 * What the catalog's HTTP layer is built from: a repository, or an open (migrated) database to build
 * one over. `clock` stamps each page's `generatedAt` (default: the system clock).
 */
export type CatalogAppDeps = { logger: CatalogLogger; clock?: () => Date } & ({ repo: ProductRepository; db?: never } | { db: Knex; repo?: never });

/** Builds the catalog's express application. */
export function createCatalogApp(deps: CatalogAppDeps): express.Application {
  const repo = deps.repo ?? createKnexProductRepository(deps.db);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger));
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use('/health', healthRouter(repo));
  app.use('/products', productsRouter(repo, deps.clock ?? (() => new Date())));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
