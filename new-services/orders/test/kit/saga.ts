import type { Knex } from 'knex';
import request from 'supertest';
import type express from 'express';

/** Orders by status and sagas by state, for "nothing pending afterwards". */
export async function ledger(db: Knex): Promise<{ orders: Record<string, number>; sagas: Record<string, number> }> {
  const count = async (table: string, column: string) => {
    const rows: Array<Record<string, unknown>> = await db(table).groupBy(column).select(column).count({ n: '*' });
    return Object.fromEntries(rows.map((r) => [String(r[column]), Number(r.n)]));
  };
  return { orders: await count('orders', 'status'), sagas: await count('order_sagas', 'state') };
}

/** The one saga of an order, as `GET /sagas/:id` answers it. */
export async function sagaOf(app: express.Application, db: Knex, orderId: number): Promise<{ id: string; state: string; stuck: boolean; reason: string | null; steps: Array<{ name: string; state: string; attempts: number; lastError: string | null }> }> {
  const row = (await db('order_sagas').where('order_id', orderId).first('id')) as { id: string };
  return (await request(app).get(`/sagas/${row.id}`)).body;
}

/**
 * 50 parallel checkouts of one unit each, distinct keys, against 10 in stock: shared by the
 * SQLite and the MariaDB suite.
 */
export async function fiftyForTen(app: express.Application, productId: number): Promise<{ confirmed: number; refused: number; other: number[] }> {
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => request(app).post('/orders').set('Idempotency-Key', `fifty-${i}`).send({ customerId: 1, lines: [{ productId, quantity: 1 }] })),
  );
  return {
    confirmed: answers.filter((a) => a.status === 201).length,
    refused: answers.filter((a) => a.status === 409 && a.body.type === 'urn:strangler:problem:out-of-stock').length,
    other: answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.status),
  };
}
