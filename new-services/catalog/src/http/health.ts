import { Router } from 'express';
import { healthHandler } from '../../../../platform';
import type { ProductRepository } from '../db/repository';
import { methodNotAllowed } from './errors';

/** `/health`: ok only when the catalog's database answers, so a load balancer drops an instance that lost it. */
export function healthRouter(repo: Pick<ProductRepository, 'ping'>): Router {
  const router = Router();
  router
    .route('/')
    .get(healthHandler(repo))
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
