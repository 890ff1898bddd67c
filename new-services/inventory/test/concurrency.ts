import request from 'supertest';
import type { InventoryFixture } from './kit/inventory';

/**
 * The invariant under contention, shared by the SQLite and the MySQL suite: 50 parallel
 * reservations of one unit each against 10 in stock.
 */
export async function raceForTheLastUnits(f: InventoryFixture, productId: number): Promise<{ held: number; refused: number; other: number[] }> {
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => request(f.app).put(`/reservations/race-${productId}-${i}`).send({ productId, quantity: 1 })),
  );
  const held = answers.filter((a) => a.status === 201).length;
  const refused = answers.filter((a) => a.status === 409 && a.body.type === 'urn:strangler:problem:out-of-stock').length;
  return { held, refused, other: answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.status) };
}
