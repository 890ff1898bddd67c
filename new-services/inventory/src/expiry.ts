import type { Logger } from '../../../platform';
import type { InventoryRepository } from './db/repository';

/** Reservations expired per round: a backlog is worked off over several rounds, never in one long transaction. */
const PER_ROUND = 500;

export interface ExpirySweep {
  /** One round now: expires what is due at the injected clock's time; returns how many. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export interface ExpirySweepOptions {
  readonly repo: InventoryRepository;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** Between rounds; 0 runs no timer (rounds only through `runOnce`). */
  readonly everyMs: number;
}

/**
 * Gives back the units of reservations nobody committed or released in time, so that an
 * abandoned checkout never locks stock for ever. Reserving also expires the product's overdue
 * holds first, so the sweep is what makes reads and other products catch up, not what keeps
 * reservations correct.
 */
export function startExpirySweep({ repo, clock, logger, everyMs }: ExpirySweepOptions): ExpirySweep {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  const runOnce = (): Promise<number> => {
    running ??= repo
      .expireDue(clock(), PER_ROUND)
      .then((n) => {
        if (n > 0) logger.info('reservations expired', { count: n });
        return n;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const schedule = (): void => {
    if (stopped || everyMs === 0) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => logger.warn('expiry sweep failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(schedule);
    }, everyMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
