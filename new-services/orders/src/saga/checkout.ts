import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../../platform';
import type { OrdersRepository } from '../db/repository';
import type { SagaLog, SagaRecord } from '../db/saga-log';
import type { NewOrder } from '../domain';
import type { InventoryClient } from '../inventory-client';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { dryRunCheckout } from './dry-run';
import type { CheckoutMetrics } from './metrics';
import { createPhases, describeError } from './phases';
import type { CheckoutAnswers, CheckoutResult, OutOfStock, ReserveFailure } from './results';
import { createPhaseRunner } from './runner';
import { stepNamed, stepNames } from './steps';

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

export function createCheckout(deps: CheckoutDeps): Checkout {
  const { log, inventory, logger, metrics, answers } = deps;
  const now = deps.clock;
  const phases = createPhases({ log, inventory, logger, now });
  const runner = createPhaseRunner({ once: phases.once, log, logger, metrics, now, policy: deps.retry ?? DEFAULT_RETRY, ...(deps.random ? { random: deps.random } : {}) });
  const { active, runPhase } = runner;

  async function fail(saga: SagaRecord, failure: ReserveFailure): Promise<CheckoutResult> {
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
      failure = await phases.reserveAll(saga, order);
    } catch (err) {
      // The log itself failed (the orders database): undo what may be held, in the background, and let the client see the error.
      logger.error('checkout saga failed before its pivot', { sagaId: saga.id, orderId: order.id, error: describeError(err) });
      void log
        .decideToCompensate(saga.id, `failed: ${describeError(err)}`, { freeKey: true }, now())
        .then(() => runner.retryInBackground(saga.id, 'compensate'), () => active.delete(saga.id));
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

    dryRun: (order) => dryRunCheckout(order, { inventory, repo: deps.repo, metrics }),

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

    idle: () => runner.idle(),
    stop: () => runner.stop(),
  };
}
