import type { Logger } from '../../../../platform';
import type { SagaLog } from '../db/saga-log';
import { backoffDelay, sleep, type RetryPolicy } from './backoff';
import type { CheckoutMetrics } from './metrics';
import { describeError } from './phases';
import type { Phase, PhaseResult } from './steps';

export interface PhaseRunnerDeps {
  readonly once: (sagaId: string, phase: Phase) => Promise<PhaseResult>;
  readonly log: SagaLog;
  readonly logger: Logger;
  readonly metrics: CheckoutMetrics;
  readonly now: () => Date;
  readonly policy: RetryPolicy;
  readonly random?: () => number;
}

/** Drives a saga's phase to its end: one try now, the rest in the background with backoff, then stuck. */
export interface PhaseRunner {
  /** Sagas driven by this process right now: recovery and retry leave them alone. */
  readonly active: Set<string>;
  /** One try now; the rest, if needed, in the background with backoff, within the budget. */
  runPhase(sagaId: string, phase: Phase): Promise<void>;
  /** Every try in the background, the first after a backoff delay. */
  retryInBackground(sagaId: string, phase: Phase): void;
  /** Resolves when no saga is being retried in the background. */
  idle(): Promise<void>;
  /** Cancels the pending backoffs and waits for the tries under way. */
  stop(): Promise<void>;
}

export function createPhaseRunner(deps: PhaseRunnerDeps): PhaseRunner {
  const { once, log, logger, metrics, now, policy } = deps;
  const stopping = new AbortController();
  const active = new Set<string>();
  const background = new Set<Promise<void>>();

  /** One pass; a failure of the pass itself (the saga log's database) is worth another try. */
  async function tryOnce(sagaId: string, phase: Phase): Promise<PhaseResult> {
    try {
      return await once(sagaId, phase);
    } catch (err) {
      logger.warn('checkout saga step failed', { sagaId, phase, error: describeError(err) });
      return 'retry';
    }
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
        const result = await tryOnce(sagaId, phase);
        if (result === 'done') return;
        if (result === 'stuck') break;
      }
      if (!stopping.signal.aborted) await markStuck(sagaId, phase);
    })()
      .catch((err: unknown) => logger.error('checkout saga retry failed', { sagaId, phase, error: describeError(err) }))
      .finally(() => {
        active.delete(sagaId);
        background.delete(run);
      });
    background.add(run);
  }

  return {
    active,
    retryInBackground,
    async runPhase(sagaId, phase) {
      const result = await tryOnce(sagaId, phase);
      if (result === 'retry' && policy.attempts > 1) {
        retryInBackground(sagaId, phase);
        return;
      }
      if (result !== 'done') await markStuck(sagaId, phase);
      active.delete(sagaId);
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
