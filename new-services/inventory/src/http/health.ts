import type { RequestHandler } from 'express';
import type { InventoryRepository } from '../db/repository';
import { HttpProblem } from './problems';

/** `GET /health`: ok only when the database answers, so a load balancer drops an instance that lost it. */
export function healthHandler(repo: InventoryRepository): RequestHandler {
  return async (_req, res) => {
    try {
      await repo.ping();
    } catch {
      throw new HttpProblem('database-unavailable', 'database is not answering');
    }
    res.json({ status: 'ok' });
  };
}
