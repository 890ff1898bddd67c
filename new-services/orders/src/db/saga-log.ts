import type { Knex } from 'knex';
import { z } from 'zod';
import { describeIssues, fieldIssues, isUniqueViolation, storedBoolean, storedInteger } from '../../../../platform';
import { SagaStateSchema, SagaStepStateSchema, type Order, type Saga, type SagaState, type SagaStepState } from '../contract';
import type { NewOrder } from '../domain';
import { IdempotencyKeyTakenError } from './errors';
import { insertOrder } from './knex-repository';
import { loadOrders } from './load-orders';
import type { StoredResponse } from './repository';
import { T } from './tables';

/** A saga as the orchestrator reads it back: the published shape plus the key it answers for. */
export interface SagaRecord extends Saga {
  readonly idemKey: string | null;
}

/** What the client is told when a saga fails: a stored answer, or nothing (the key is freed for a retry). */
export type Verdict = { readonly answer: StoredResponse } | { readonly freeKey: true };

/**
 * The checkout saga's log in the orders database. Every method is one transaction; the
 * local steps (create, confirm, reject) change the order, the saga and the idempotency record
 * together, so that a crash leaves either all of a step or none of it.
 */
export interface SagaLog {
  /** Create: the pending order, its key (answer not yet known) and the saga with its steps. Throws IdempotencyKeyTakenError. */
  start(input: { sagaId: string; order: NewOrder; steps: readonly string[]; key: string; requestHash: string }, now: Date): Promise<number>;
  /**
   * A remote step is about to be sent: recorded first, so a crash after the send is known as
   * "maybe applied". `keepState` counts a compensation's try without changing the step's state.
   */
  attempt(sagaId: string, stepNo: number, now: Date, keepState?: boolean): Promise<void>;
  settle(sagaId: string, stepNo: number, state: SagaStepState, error: string | null, now: Date): Promise<void>;
  /** The pivot: pending → new, the confirm step done, the key's answer stored, the saga committing. Undefined when the order is no longer pending. */
  confirm(sagaId: string, stepNo: number, orderId: number, now: Date, respond: (order: Order) => StoredResponse): Promise<Order | undefined>;
  /** Forward progress is impossible: the saga compensates from now on, and the client's answer is fixed. */
  decideToCompensate(sagaId: string, reason: string, verdict: Verdict, now: Date): Promise<void>;
  /** The last compensation: pending → rejected with the reason, the saga rejected. False when the order went on (confirmed) instead. */
  reject(sagaId: string, orderId: number, reason: string, now: Date): Promise<boolean>;
  finish(sagaId: string, now: Date): Promise<void>;
  markStuck(sagaId: string, stuck: boolean, now: Date): Promise<void>;
  get(sagaId: string): Promise<SagaRecord | undefined>;
  /** Every saga not done nor rejected, oldest first. */
  unfinished(): Promise<SagaRecord[]>;
  /** Unfinished sagas by state, and how many of them are stuck (the metrics). */
  tally(): Promise<{ byState: Partial<Record<SagaState, number>>; stuck: number }>;
}

const SagaRowSchema = z.object({
  id: z.string(),
  order_id: storedInteger,
  idem_key: z.string().nullable(),
  state: SagaStateSchema,
  stuck: storedBoolean,
  reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const StepRowSchema = z.object({
  step_no: storedInteger,
  name: z.string(),
  state: SagaStepStateSchema,
  attempts: storedInteger,
  last_error: z.string().nullable(),
  updated_at: z.string(),
});

function parsed<S extends z.ZodType>(schema: S, row: unknown, what: string): z.output<S> {
  const result = schema.safeParse(row);
  if (!result.success) throw new Error(`unreadable ${what} row: ${describeIssues(fieldIssues(result.error))}`);
  return result.data;
}

const clip = (text: string | null): string | null => (text === null ? null : text.slice(0, 500));

async function readSaga(q: Knex | Knex.Transaction, sagaId: string): Promise<SagaRecord | undefined> {
  const row: unknown = await q(T.sagas).where('id', sagaId).first();
  if (row === undefined) return undefined;
  const s = parsed(SagaRowSchema, row, T.sagas);
  const steps: unknown[] = await q(T.sagaSteps).where('saga_id', sagaId).orderBy('step_no');
  return {
    id: s.id,
    orderId: s.order_id,
    idemKey: s.idem_key,
    state: s.state,
    stuck: s.stuck,
    reason: s.reason,
    steps: steps.map((r) => {
      const step = parsed(StepRowSchema, r, T.sagaSteps);
      return { no: step.step_no, name: step.name, state: step.state, attempts: step.attempts, lastError: step.last_error, updatedAt: step.updated_at };
    }),
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

export function createKnexSagaLog(db: Knex): SagaLog {
  const touch = (trx: Knex.Transaction | Knex, sagaId: string, stamp: string, fields: Record<string, unknown> = {}) =>
    trx(T.sagas).where('id', sagaId).update({ ...fields, updated_at: stamp });
  return {
    async start({ sagaId, order, steps, key, requestHash }, now) {
      const stamp = now.toISOString();
      try {
        return await db.transaction(async (trx) => {
          // The key goes in first: a concurrent duplicate waits on it and fails before it has written anything.
          await trx(T.idempotency).insert({ idem_key: key, request_hash: requestHash, order_id: null, response_status: 0, response_body: '{}', created_at: stamp });
          const orderId = await insertOrder(trx, order);
          await trx(T.idempotency).where('idem_key', key).update({ order_id: orderId });
          await trx(T.sagas).insert({ id: sagaId, order_id: orderId, idem_key: key, state: 'running', stuck: false, reason: null, created_at: stamp, updated_at: stamp });
          await trx(T.sagaSteps).insert(steps.map((name, i) => ({ saga_id: sagaId, step_no: i + 1, name, state: 'pending', attempts: 0, last_error: null, updated_at: stamp })));
          return orderId;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new IdempotencyKeyTakenError(key);
        throw err;
      }
    },

    async attempt(sagaId, stepNo, now, keepState = false) {
      const stamp = now.toISOString();
      await db(T.sagaSteps)
        .where({ saga_id: sagaId, step_no: stepNo })
        .update({ ...(keepState ? {} : { state: 'attempted' }), attempts: db.raw('attempts + 1'), updated_at: stamp });
    },

    async settle(sagaId, stepNo, state, error, now) {
      const stamp = now.toISOString();
      await db.transaction(async (trx) => {
        await trx(T.sagaSteps).where({ saga_id: sagaId, step_no: stepNo }).update({ state, last_error: clip(error), updated_at: stamp });
        await touch(trx, sagaId, stamp);
      });
    },

    async confirm(sagaId, stepNo, orderId, now, respond) {
      const stamp = now.toISOString();
      return db.transaction(async (trx) => {
        const changed = await trx(T.orders).where({ id: orderId, status: 'pending' }).update({ status: 'new', updated_at: stamp });
        if (changed === 0) return undefined;
        const order = (await loadOrders(trx, [orderId])).get(orderId);
        if (order === undefined) throw new Error(`order ${orderId} vanished during its confirmation`);
        const answer = respond(order);
        await trx(T.idempotency).where('order_id', orderId).update({ response_status: answer.status, response_body: JSON.stringify(answer.body) });
        await trx(T.sagaSteps).where({ saga_id: sagaId, step_no: stepNo }).update({ state: 'done', attempts: trx.raw('attempts + 1'), updated_at: stamp });
        await touch(trx, sagaId, stamp, { state: 'committing' });
        return order;
      });
    },

    async decideToCompensate(sagaId, reason, verdict, now) {
      const stamp = now.toISOString();
      await db.transaction(async (trx) => {
        const saga = await readSaga(trx, sagaId);
        if (saga === undefined) throw new Error(`saga ${sagaId} does not exist`);
        if (saga.idemKey !== null) {
          const mine = trx(T.idempotency).where({ idem_key: saga.idemKey, order_id: saga.orderId });
          // A 503 is "not done, try again": the key is freed so that a retry starts a new checkout.
          if ('freeKey' in verdict) await mine.delete();
          else await mine.update({ response_status: verdict.answer.status, response_body: JSON.stringify(verdict.answer.body) });
        }
        await touch(trx, sagaId, stamp, { state: 'compensating', reason: clip(reason) });
      });
    },

    async reject(sagaId, orderId, reason, now) {
      const stamp = now.toISOString();
      return db.transaction(async (trx) => {
        const changed = await trx(T.orders).where({ id: orderId, status: 'pending' }).update({ status: 'rejected', rejection_reason: clip(reason), updated_at: stamp });
        if (changed === 0) {
          // Rejected already (another run of this saga got there first) is success; anything else is not.
          const row: { status?: string } | undefined = await trx(T.orders).where('id', orderId).first('status');
          if (row?.status !== 'rejected') return false;
        }
        await touch(trx, sagaId, stamp, { state: 'rejected', stuck: false });
        return true;
      });
    },

    async finish(sagaId, now) {
      await touch(db, sagaId, now.toISOString(), { state: 'done', stuck: false });
    },

    async markStuck(sagaId, stuck, now) {
      await touch(db, sagaId, now.toISOString(), { stuck });
    },

    get: (sagaId) => readSaga(db, sagaId),

    async unfinished() {
      const ids: Array<{ id: string }> = await db(T.sagas).whereNotIn('state', ['done', 'rejected']).orderBy('created_at').select('id');
      const out: SagaRecord[] = [];
      for (const { id } of ids) {
        const saga = await readSaga(db, id);
        if (saga !== undefined) out.push(saga);
      }
      return out;
    },

    async tally() {
      const rows: Array<{ state: string; stuck: unknown; n: number | string }> = await db(T.sagas)
        .whereNotIn('state', ['done', 'rejected'])
        .groupBy('state', 'stuck')
        .select('state', 'stuck')
        .count({ n: '*' });
      const byState: Partial<Record<SagaState, number>> = {};
      let stuck = 0;
      for (const row of rows) {
        const state = SagaStateSchema.parse(row.state);
        byState[state] = (byState[state] ?? 0) + Number(row.n);
        if (storedBoolean.parse(row.stuck)) stuck += Number(row.n);
      }
      return { byState, stuck };
    },
  };
}
