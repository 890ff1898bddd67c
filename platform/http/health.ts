import type { RequestHandler } from 'express';
import { HTTP_PROBLEMS } from './http-problems';
import { Problem } from './problem';

/** What a health check asks of a service's storage: that it answers. */
export interface Pingable {
  ping(): Promise<unknown>;
}

/** `GET /health`: ok only when the database answers, so a load balancer drops an instance that lost it. */
export function healthHandler(db: Pingable): RequestHandler {
  return async (_req, res) => {
    try {
      await db.ping();
    } catch {
      throw new Problem('database-unavailable', HTTP_PROBLEMS['database-unavailable'], 'database is not answering');
    }
    res.json({ status: 'ok' });
  };
}
