import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../../platform';
import type { Order } from '../contract';
import type { OrdersRepository, StoredResponse } from '../db/repository';
import type { SagaLog, SagaRecord } from '../db/saga-log';
import type { NewOrder } from '../domain';
import type { InventoryClient } from '../inventory-client';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './backoff';
import type { CheckoutMetrics } from './metrics';
import { reservationId, stepNamed, stepNames, stepsOf, type Phase, type PhaseResult } from './steps';

/** Lack of stock, as the client is told: the product, what was asked, what was left. */
export interface OutOfStock {
  readonly kind: 'out-of-stock';
  readonly productId: number;
  readonly requested: number;
  readonly available: number;
  /** Absent on a dry run, which creates no order and no saga. */
  readonly orderId?: number;
  readonly sagaId?: string;
}

export type CheckoutResult =
  | { readonly kind: 'confirmed'; readonly order: Order; readonly sagaId?: string }
  | OutOfStock
  | { readonly kind: 'unavailable'; readonly reason: string; readonly orderId?: number; readonly sagaId?: string }
  /** The order stopped being pending under this run (another run of the saga decided it). */
  | { readonly kind: 'superseded'; readonly orderId: number; readonly sagaId: string };

/** How the HTTP layer words the answers the saga stores with the Idempotency-Key. */
export interface CheckoutAnswers {
  confirmed(order: Order): StoredResponse;
  outOfStock(refusal: OutOfStock): StoredResponse;
}

export interface CheckoutDeps {
  readonly log: SagaLog;
  readonly repo: OrdersRepository;
  readonly inventory: InventoryClient;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly metrics: CheckoutMetrics;
  readonly answers: CheckoutAnswers;
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
}

/** Order placement as an orchestrated saga; see the orders README, "Checkout". */
export interface Checkout {
  /** Runs the saga for an order already priced (`pending`); answers once the outcome is decided. */
  place(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<CheckoutResult>;
  /** The shadow run: the same checks against current stock, and nothing reserved or written. */
  dryRun(order: NewOrder): Promise<CheckoutResult>;
  /** Takes up every unfinished saga in the log (at start-up): compensates those before the pivot, commits those after. */
  recover(): Promise<number>;
  /** Takes a stuck saga up again; false when there is no such unfinished saga. */
  retry(sagaId: string): Promise<boolean>;
  /** Resolves when no saga is being retried in the background (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function createCheckout(deps: CheckoutDeps): Checkout {
  const { log, inventory, logger, metrics, answers } = deps;
  const now = deps.clock;
  const policy = deps.retry ?? DEFAULT_RETRY;
  const stopping = new AbortController();
  /** Sagas driven by this process right now: recovery and retry leave them alone. */
  const active = new Set<string>();
  const background = new Set<Promise<void>>();

  async function reserveAll(saga: SagaRecord, order: NewOrder): Promise<OutOfStock | { kind: 'unavailable'; reason: string } | undefined> {
    for (const line of order.lines) {
      const step = stepNamed(saga, `reserve:${line.lineNo}`);
      await log.attempt(saga.id, step.no, now());
      let answer;
      try {
        answer = await inventory.reserve(reservationId(saga.id, line.lineNo), line.productId, line.quantity);
      } catch (err) {
        // Refused before sending: nothing to undo. Anything else may have been applied: undo it too.
        const notApplied = typeof err === 'object' && err !== null && (err as { applied?: unknown }).applied === 'no';
        await log.settle(saga.id, step.no, notApplied ? 'failed' : 'attempted', describe(err), now());
        return { kind: 'unavailable', reason: describe(err) };
      }
      if (!answer.held) {
        await log.settle(saga.id, step.no, 'failed', `out of stock: ${answer.available} available`, now());
        return { kind: 'out-of-stock', productId: line.productId, requested: line.quantity, available: answer.available };
      }
      await log.settle(saga.id, step.no, 'done', null, now());
    }
    return undefined;
  }

  /** Releases every reservation that may hold stock, last line first, then rejects the order. Stops at the first failure, so the order is kept. */
  async function compensateOnce(saga: SagaRecord): Promise<PhaseResult> {
    for (const step of stepsOf(saga, 'reserve').reverse()) {
      if (step.state !== 'done' && step.state !== 'attempted') continue;
      await log.attempt(saga.id, step.no, now(), true);
      try {
        await inventory.release(reservationId(saga.id, step.line));
      } catch (err) {
        await log.settle(saga.id, step.no, step.state, `release: ${describe(err)}`, now());
        return 'retry';
      }
      await log.settle(saga.id, step.no, 'compensated', null, now());
    }
    if (await log.reject(saga.id, saga.orderId, saga.reason ?? 'rejected', now())) {
      logger.info('checkout saga compensated', { sagaId: saga.id, orderId: saga.orderId, reason: saga.reason });
      return 'done';
    }
    logger.error('checkout saga cannot reject its order: it is no longer pending', { sagaId: saga.id, orderId: saga.orderId });
    return 'stuck';
  }

  /** Commits every reservation not yet committed, in line order; then the saga is done. */
  async function commitOnce(saga: SagaRecord): Promise<PhaseResult> {
    for (const step of stepsOf(saga, 'commit')) {
      if (step.state === 'done') continue;
      await log.attempt(saga.id, step.no, now());
      let answer;
      try {
        answer = await inventory.commit(reservationId(saga.id, step.line));
      } catch (err) {
        await log.settle(saga.id, step.no, 'attempted', describe(err), now());
        return 'retry';
      }
      if (!answer.committed) {
        // The reservation expired and its units were sold meanwhile: a confirmed order without stock is for a person to settle.
        await log.settle(saga.id, step.no, 'failed', `commit refused: ${answer.reason}`, now());
        return 'stuck';
      }
      await log.settle(saga.id, step.no, 'done', null, now());
    }
    await log.finish(saga.id, now());
    return 'done';
  }

  async function once(sagaId: string, phase: Phase): Promise<PhaseResult> {
    const saga = await log.get(sagaId);
    if (saga === undefined || saga.state === 'done' || saga.state === 'rejected') return 'done';
    return phase === 'compensate' ? compensateOnce(saga) : commitOnce(saga);
  }

  async function markStuck(sagaId: string, phase: Phase): Promise<void> {
    await log.markStuck(sagaId, true, now());
    metrics.stuck();
    const saga = await log.get(sagaId);
    logger.error('checkout saga stuck', {
      sagaId,
      orderId: saga?.orderId,
      phase,
      state: saga?.state,
      reason: saga?.reason,
      failing: saga?.steps.filter((s) => s.lastError !== null).map((s) => `${s.name}: ${s.lastError}`),
    });
  }

  function retryInBackground(sagaId: string, phase: Phase): void {
    const run = (async () => {
      for (let attempt = 2; attempt <= policy.attempts; attempt++) {
        if (!(await sleep(backoffDelay(policy, attempt, deps.random), stopping.signal))) return;
        let result: PhaseResult;
        try {
          result = await once(sagaId, phase);
        } catch (err) {
          logger.warn('checkout saga step failed', { sagaId, phase, error: describe(err) });
          result = 'retry';
        }
        if (result === 'done') return;
        if (result === 'stuck') break;
      }
      if (!stopping.signal.aborted) await markStuck(sagaId, phase);
    })()
      .catch((err: unknown) => logger.error('checkout saga retry failed', { sagaId, phase, error: describe(err) }))
      .finally(() => {
        active.delete(sagaId);
        background.delete(run);
      });
    background.add(run);
  }

  /** One try now; the rest, if needed, in the background with backoff, within the budget. */
  async function runPhase(sagaId: string, phase: Phase): Promise<void> {
    let result: PhaseResult;
    try {
      result = await once(sagaId, phase);
    } catch (err) {
      logger.warn('checkout saga step failed', { sagaId, phase, error: describe(err) });
      result = 'retry';
    }
    if (result === 'retry' && policy.attempts > 1) {
      retryInBackground(sagaId, phase);
      return;
    }
    if (result !== 'done') await markStuck(sagaId, phase);
    active.delete(sagaId);
  }

  async function fail(saga: SagaRecord, failure: OutOfStock | { kind: 'unavailable'; reason: string }): Promise<CheckoutResult> {
    const ids = { orderId: saga.orderId, sagaId: saga.id };
    if (failure.kind === 'out-of-stock') {
      const refusal: OutOfStock = { ...failure, ...ids };
      const reason = `out-of-stock: product ${failure.productId} (${failure.requested} requested, ${failure.available} available)`;
      await log.decideToCompensate(saga.id, reason, { answer: answers.outOfStock(refusal) }, now());
      metrics.outcome('out_of_stock');
      await runPhase(saga.id, 'compensate');
      return refusal;
    }
    await log.decideToCompensate(saga.id, `inventory-unavailable: ${failure.reason}`, { freeKey: true }, now());
    metrics.outcome('unavailable');
    await runPhase(saga.id, 'compensate');
    return { ...failure, ...ids };
  }

  async function drive(saga: SagaRecord, order: NewOrder & { id: number }): Promise<CheckoutResult> {
    let failure;
    try {
      failure = await reserveAll(saga, order);
    } catch (err) {
      // The log itself failed (the orders database): undo what may be held, in the background, and let the client see the error.
      logger.error('checkout saga failed before its pivot', { sagaId: saga.id, orderId: order.id, error: describe(err) });
      void log
        .decideToCompensate(saga.id, `failed: ${describe(err)}`, { freeKey: true }, now())
        .then(() => retryInBackground(saga.id, 'compensate'), () => active.delete(saga.id));
      throw err;
    }
    if (failure !== undefined) return fail((await log.get(saga.id)) ?? saga, failure);
    const confirmed = await log.confirm(saga.id, stepNamed(saga, 'confirm').no, order.id, now(), answers.confirmed);
    if (confirmed === undefined) {
      active.delete(saga.id);
      return { kind: 'superseded', orderId: order.id, sagaId: saga.id };
    }
    metrics.outcome('confirmed');
    await runPhase(saga.id, 'commit');
    return { kind: 'confirmed', order: confirmed, sagaId: saga.id };
  }

  return {
    async place(order, { key, requestHash }) {
      const sagaId = randomUUID();
      active.add(sagaId);
      let orderId: number;
      try {
        orderId = await log.start({ sagaId, order, steps: stepNames(order.lines), key, requestHash }, now());
      } catch (err) {
        active.delete(sagaId);
        throw err;
      }
      const saga = await log.get(sagaId);
      if (saga === undefined) throw new Error(`saga ${sagaId} was not stored`);
      return drive(saga, { ...order, id: orderId });
    },

    async dryRun(order) {
      const wanted = new Map<number, number>();
      for (const line of order.lines) wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
      for (const [productId, requested] of wanted) {
        let stock;
        try {
          stock = await inventory.stock(productId);
        } catch (err) {
          return { kind: 'unavailable', reason: describe(err) };
        }
        const available = stock?.available ?? 0;
        if (available < requested) return { kind: 'out-of-stock', productId, requested, available };
      }
      metrics.outcome('dry_run');
      return { kind: 'confirmed', order: { ...order, id: await deps.repo.nextOrderId(), status: 'new' } };
    },

    async recover() {
      const sagas = await log.unfinished();
      let taken = 0;
      for (const saga of sagas) {
        if (active.has(saga.id)) continue;
        active.add(saga.id);
        taken++;
        logger.info('resuming checkout saga', { sagaId: saga.id, orderId: saga.orderId, state: saga.state, stuck: saga.stuck });
        if (saga.stuck) await log.markStuck(saga.id, false, now());
        if (saga.state === 'running') {
          // Before the pivot, nobody waits for this order any more: undo it, and free the key for the client's retry.
          await log.decideToCompensate(saga.id, 'interrupted: the orders service stopped before the order was confirmed', { freeKey: true }, now());
          metrics.outcome('interrupted');
        }
        await runPhase(saga.id, saga.state === 'committing' ? 'commit' : 'compensate');
      }
      return taken;
    },

    async retry(sagaId) {
      const saga = await log.get(sagaId);
      if (saga === undefined || saga.state === 'done' || saga.state === 'rejected' || saga.state === 'running' || active.has(sagaId)) return false;
      active.add(sagaId);
      await log.markStuck(sagaId, false, now());
      await runPhase(sagaId, saga.state === 'committing' ? 'commit' : 'compensate');
      return true;
    },

    async idle() {
      while (background.size > 0) await Promise.all([...background]);
    },

    async stop() {
      stopping.abort();
      await Promise.all([...background]);
    },
  };
}
