import type { Logger } from '../../../../platform';
import type { SagaLog, SagaRecord } from '../db/saga-log';
import type { NewOrder } from '../domain';
import type { InventoryClient } from '../inventory-client';
import type { ReserveFailure } from './results';
import { reservationId, stepNamed, stepsOf, type Phase, type PhaseResult } from './steps';

export const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export interface PhaseDeps {
  readonly log: SagaLog;
  readonly inventory: InventoryClient;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** The saga's steps against inventory, each recorded in the saga log before and after it is tried. */
export interface Phases {
  /** Reserves every line in order; the first refusal or failure stops it and is returned. */
  reserveAll(saga: SagaRecord, order: NewOrder): Promise<ReserveFailure | undefined>;
  /** One pass of a phase over the saga as stored now; a saga already decided is done. */
  once(sagaId: string, phase: Phase): Promise<PhaseResult>;
}

export function createPhases(deps: PhaseDeps): Phases {
  const { log, inventory, logger, now } = deps;

  async function reserveAll(saga: SagaRecord, order: NewOrder): Promise<ReserveFailure | undefined> {
    for (const line of order.lines) {
      const step = stepNamed(saga, `reserve:${line.lineNo}`);
      await log.attempt(saga.id, step.no, now());
      let answer;
      try {
        answer = await inventory.reserve(reservationId(saga.id, line.lineNo), line.productId, line.quantity);
      } catch (err) {
        // Refused before sending: nothing to undo. Anything else may have been applied: undo it too.
        const notApplied = typeof err === 'object' && err !== null && (err as { applied?: unknown }).applied === 'no';
        await log.settle(saga.id, step.no, notApplied ? 'failed' : 'attempted', describeError(err), now());
        return { kind: 'unavailable', reason: describeError(err) };
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
        await log.settle(saga.id, step.no, step.state, `release: ${describeError(err)}`, now());
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
        await log.settle(saga.id, step.no, 'attempted', describeError(err), now());
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

  return {
    reserveAll,
    async once(sagaId, phase) {
      const saga = await log.get(sagaId);
      if (saga === undefined || saga.state === 'done' || saga.state === 'rejected') return 'done';
      return phase === 'compensate' ? compensateOnce(saga) : commitOnce(saga);
    },
  };
}
