import { Router } from 'express';
import type { Knex } from 'knex';
import { LegacyHttpError } from './errors';

/** `/health`: ok only when the shared database answers, so a load balancer drops a monolith that lost it. */
export function healthRouter(db: Knex): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    try {
      await db.raw('select 1');
    } catch {
      throw new LegacyHttpError(503, 'DB_DOWN', 'database is not answering');
    }
    res.json({ status: 'ok' });
  });
  return router;
}
