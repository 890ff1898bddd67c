import { Router, type Response } from 'express';
import { isShadowRequest, markShadow } from '../../../../platform';
import { ReserveSchema, type Reservation } from '../contract';
import type { InventoryRepository } from '../db/repository';
import { parseReservationId } from './params';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

export interface ReservationSettings {
  /** Hold time when the request names none. */
  readonly defaultTtlSeconds: number;
  readonly clock: () => Date;
}

function answer(res: Response, reservation: Reservation, status = 200): void {
  res.status(status).location(`/reservations/${encodeURIComponent(reservation.id)}`).json(reservation);
}

/**
 * `/reservations/:id`: the caller names the reservation, so every call is safe to repeat.
 * `PUT` holds units (201 when it did, 200 when it had already), `POST …/commit` takes them out of
 * stock, `POST …/release` gives them back. A shadow copy answers as if done and changes nothing.
 */
export function reservationsRouter(repo: InventoryRepository, { defaultTtlSeconds, clock }: ReservationSettings): Router {
  const router = Router();
  router.put('/:id', async (req, res) => {
    const id = parseReservationId(req.params.id);
    const body = parseOr400(ReserveSchema, req.body, 'reservation');
    const shadow = isShadowRequest(req);
    if (shadow) markShadow(res);
    const { reservation, created } = await repo.reserve(
      { id, productId: body.productId, quantity: body.quantity, ttlSeconds: body.ttlSeconds ?? defaultTtlSeconds },
      clock(),
      { dryRun: shadow },
    );
    answer(res, reservation, created ? 201 : 200);
  });
  router.get('/:id', async (req, res) => {
    const id = parseReservationId(req.params.id);
    const reservation = await repo.getReservation(id);
    if (reservation === undefined) throw new HttpProblem('reservation-not-found', `reservation ${id} does not exist`);
    answer(res, reservation);
  });
  for (const step of ['commit', 'release'] as const) {
    router.post(`/:id/${step}`, async (req, res) => {
      const id = parseReservationId(req.params.id);
      const shadow = isShadowRequest(req);
      if (shadow) markShadow(res);
      answer(res, await repo[step](id, clock(), { dryRun: shadow }));
    });
  }
  return router;
}
