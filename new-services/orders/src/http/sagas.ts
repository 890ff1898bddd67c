import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Saga } from '../contract';
import type { HandlerDeps } from './deps';
import { HttpProblem } from './problems';

const SagaIdSchema = z.string().uuid();

function parseSagaId(raw: unknown): string {
  const parsed = SagaIdSchema.safeParse(raw);
  if (!parsed.success) throw new HttpProblem('invalid-parameter', 'saga id must be a UUID', [{ path: 'id', message: 'must be a UUID' }]);
  return parsed.data;
}

/** `GET /sagas/:id`: a checkout saga from the log, steps and attempts included; how a stuck one is found and understood. */
export function getSagaHandler({ sagas }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = parseSagaId(req.params.id);
    const record = await sagas.get(id);
    if (record === undefined) throw new HttpProblem('saga-not-found', `saga ${id} does not exist`);
    const { idemKey: _key, ...saga } = record;
    const body: Saga = saga;
    res.json(body);
  };
}

/** `POST /sagas/:id/retry`: takes a stuck saga up again (its budget starts afresh); 409 when it is not waiting. */
export function retrySagaHandler({ sagas, checkout }: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = parseSagaId(req.params.id);
    if ((await sagas.get(id)) === undefined) throw new HttpProblem('saga-not-found', `saga ${id} does not exist`);
    if (!(await checkout.retry(id))) throw new HttpProblem('saga-not-retriable', `saga ${id} is finished or still being driven`);
    const record = await sagas.get(id);
    res.status(202).json(record === undefined ? {} : { id: record.id, state: record.state, stuck: record.stuck });
  };
}
