import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { CreateOrder } from '../contract';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../db/tables';
import type { IdempotencyRecord } from '../db/repository';
import { HttpProblem } from './problems';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The Idempotency-Key of a create; 400 when it is missing, empty or longer than the column. */
export function readIdempotencyKey(req: Request): string {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new HttpProblem(
      'missing-idempotency-key',
      `POST /orders requires an ${IDEMPOTENCY_HEADER} header of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, so that a retry cannot create a second order`,
      [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: key === undefined ? 'required' : `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }],
    );
  }
  return key;
}

/**
 * Fingerprint of what was asked, independent of key order and of `note` absent versus null, so
 * a client that re-serialises the same request is still recognised as retrying it.
 */
export function requestHash(body: CreateOrder): string {
  const canonical = [body.customerId, body.note ?? null, body.lines.map((l) => [l.productId, l.quantity])];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Answers a retry with the first answer, byte for byte, and says so. */
export function replay(res: Response, record: IdempotencyRecord): void {
  if (record.status === 0) throw keyInFlight();
  if (record.status < 300 && record.orderId !== null) res.location(`/orders/${record.orderId}`);
  res.setHeader('Idempotent-Replayed', 'true');
  // A stored refusal (409 out-of-stock) is a problem, and is answered as one.
  res.type(record.status >= 400 ? 'application/problem+json' : 'application/json');
  res.status(record.status).send(JSON.stringify(record.body));
}

/** The key's first request is still running in another process: its answer is not known yet. */
export function keyInFlight(): HttpProblem {
  return new HttpProblem('idempotency-key-in-flight', `the first request with this ${IDEMPOTENCY_HEADER} is still being processed; retry shortly for its answer`);
}

/** Same key, different request: refusing is the only answer that cannot be wrong. */
export function keyReused(): HttpProblem {
  return new HttpProblem(
    'idempotency-key-reused',
    `this ${IDEMPOTENCY_HEADER} was already used with a different request body; use a new key for a new order`,
  );
}
