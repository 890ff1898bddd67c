import { BulkheadPolicy, isBulkheadRejectedError } from 'cockatiel';
import type { BulkheadConfig } from '../config/resilience-schema';

/** Gives the slot back; calling it more than once is harmless. */
export type Release = () => void;

/** Refused: every slot and every queue place is taken, or the wait was given up (deadline, client gone). */
export class BulkheadFullError extends Error {
  readonly code = 'E_BULKHEAD_FULL';
}
export const isBulkheadFull = (e: unknown): e is BulkheadFullError => e instanceof BulkheadFullError;

/**
 * A bulkhead: at most `maxConcurrent` requests at once, `queue` more waiting, the rest refused at
 * once. cockatiel's BulkheadPolicy counts the slots; a slot is held from `acquire` until the
 * returned release is called (when the answer has been sent), not merely while a promise runs.
 */
export class Bulkhead {
  private readonly policy: BulkheadPolicy;

  constructor(readonly config: BulkheadConfig) {
    this.policy = new BulkheadPolicy(config.maxConcurrent, config.queue);
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.config.maxConcurrent - this.policy.executionSlots;
  }

  /**
   * A slot at once when one is free and nobody is queued (so a waiter is never overtaken), else
   * null and the caller waits with `acquire`. cockatiel runs the function of an execution that finds
   * a free slot synchronously, so the release exists before this returns: the common case costs no
   * promise, no abort listener and no queue.
   */
  tryAcquire(): Release | null {
    if (this.policy.executionSlots <= 0 || this.policy.queueSlots < this.config.queue) return null;
    let release: Release | null = null;
    this.policy
      .execute(
        () =>
          new Promise<void>((done) => {
            let released = false;
            release = () => {
              if (released) return;
              released = true;
              done();
            };
          }),
      )
      .catch(() => undefined);
    return release;
  }

  /**
   * True when every slot and every queue place is taken: `acquire` would be refused, so the caller
   * refuses at once, without the promise, the abort listener and the rejected execution (a
   * saturated endpoint's excess is the bulk of its traffic).
   */
  get full(): boolean {
    return this.policy.executionSlots <= 0 && this.policy.queueSlots <= 0;
  }

  acquire(signal: AbortSignal): Promise<Release> {
    return new Promise((resolve, reject) => {
      const giveUp = () => reject(new BulkheadFullError('gave up waiting for a bulkhead slot'));
      signal.addEventListener('abort', giveUp, { once: true });
      this.policy
        .execute(
          () =>
            new Promise<void>((release) => {
              signal.removeEventListener('abort', giveUp);
              let released = false;
              resolve(() => {
                if (released) return;
                released = true;
                release();
              });
            }),
          signal,
        )
        .catch((e: unknown) => {
          signal.removeEventListener('abort', giveUp);
          // A queued wait abandoned through the signal is rejected again by cockatiel later; settled already, ignored.
          reject(isBulkheadRejectedError(e) || signal.aborted ? new BulkheadFullError('bulkhead full') : e);
        });
    });
  }
}
