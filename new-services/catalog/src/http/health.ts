import { Router } from 'express';
import type { ProductRepository } from '../db/repository';
import { methodNotAllowed } from './errors';
import { HttpProblem } from './problems';

/** `/health`: ok only when the catalog's database answers, so a load balancer drops an instance that lost it. */
export function healthRouter(repo: Pick<ProductRepository, 'ping'>): Router {
  const router = Router();
  router
    .route('/')
    .get(async (_req, res) => {
      try {
        await repo.ping();
      } catch {
        throw new HttpProblem('database-unavailable', 'database is not answering');
      }
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
