import express from 'express';
import type { Knex } from 'knex';
import { notFoundProblem, problemResponder, requestLog, type Logger } from '../../../../platform';
import { createKnexProductRepository, type ProductRepository } from '../db/repository';
import { domainProblem } from './errors';
import { healthRouter } from './health';
import { productsRouter } from './products';
import { isShadowCopy } from './shadow';

/** The largest body accepted: a full 1000-product batch with long descriptions fits. */
export const BODY_LIMIT = '5mb';

/**
 * What the catalog's HTTP layer is built from: a repository, or an open (migrated) database to build
 * one over. `clock` stamps each page's `generatedAt` (default: the system clock).
 */
export type CatalogAppDeps = { logger: Logger; clock?: () => Date } & ({ repo: ProductRepository; db?: never } | { db: Knex; repo?: never });

/** Builds the catalog's express application. */
export function createCatalogApp(deps: CatalogAppDeps): express.Application {
  const repo = deps.repo ?? createKnexProductRepository(deps.db);
  const app = express();
  app.disable('x-powered-by');
  // The shadow mark lets an operator tell mirrored traffic (which wrote nothing) from real traffic.
  app.use(requestLog(deps.logger, (req) => (isShadowCopy(req) ? { shadow: true } : {})));
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use('/health', healthRouter(repo));
  app.use('/products', productsRouter(repo, deps.clock ?? (() => new Date())));
  app.use(notFoundProblem);
  app.use(problemResponder(deps.logger, domainProblem));
  return app;
}
