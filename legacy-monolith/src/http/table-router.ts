import { Router } from 'express';
import type { Knex } from 'knex';
import { LegacyHttpError } from './errors';
import { readOne, readPage } from './paged';
import { parseId, parsePaging } from './params';
import type { Shape } from './shapes';

/** How one master table is exposed: `GET /` pages it, `GET /:id` reads one row by key. */
export interface TableResource {
  table: string;
  key: string;
  shape: Shape;
  /** ERR_CD and noun used when an id is unknown, e.g. PRD_NOT_FND / "product". */
  notFoundCode: string;
  noun: string;
}

/** The read side every master table of the monolith shares: a paged list and a read by id. */
export function tableRouter(db: Knex, resource: TableResource): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await readPage(db, resource.table, resource.key, resource.shape, parsePaging(req.query)));
  });
  router.get('/:id', async (req, res) => {
    const id = parseId(req.params.id, `${resource.noun} id`);
    const row = await readOne(db, resource.table, resource.key, id, resource.shape);
    if (row === undefined) throw new LegacyHttpError(404, resource.notFoundCode, `${resource.noun} ${id} not found`);
    res.json(row);
  });
  return router;
}
