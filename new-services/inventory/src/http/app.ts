import express from 'express';
import type { Knex } from 'knex';
import { healthHandler, isShadowRequest, notFoundProblem, problemResponder, requestLog, type Logger } from '../../../../platform';
import { createKnexInventoryRepository } from '../db/knex-repository';
import type { InventoryRepository } from '../db/repository';
import { toProblem } from './domain-problems';
import { reservationsRouter } from './reservations';
import { stockRouter } from './stock';

/** How long a reservation holds its units when the caller names no TTL: long enough for a checkout, short enough that an abandoned one frees its stock soon. */
export const DEFAULT_TTL_SECONDS = 900;

/** What the inventory HTTP layer is built from; give either a repository or a migrated knex database. */
export type InventoryAppDeps = ({ repo: InventoryRepository; db?: undefined } | { db: Knex; repo?: undefined }) & {
  logger: Logger;
  /** Source of "now" for stamps and expiry; defaults to the wall clock. */
  clock?: () => Date;
  defaultTtlSeconds?: number;
};

/** Builds the inventory service's express application. */
export function createInventoryApp(deps: InventoryAppDeps): express.Application {
  const repo = deps.repo ?? createKnexInventoryRepository(deps.db);
  const clock = deps.clock ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger, (req) => (isShadowRequest(req) ? { shadow: true } : {})));
  // Sized for the backfill: a batch of 1000 stock rows.
  app.use(express.json({ limit: '2mb' }));
  app.get('/health', healthHandler(repo));
  app.use('/inventory', stockRouter(repo));
  app.use('/reservations', reservationsRouter(repo, { defaultTtlSeconds: deps.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS, clock }));
  app.use(notFoundProblem);
  app.use(problemResponder(deps.logger, toProblem));
  return app;
}
