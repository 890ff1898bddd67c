import { isDeadlock } from '../../../../platform';

/** A compare-and-set found the row changed under it; the caller reads it again and decides afresh. */
export class LostRace extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
    this.name = 'LostRace';
  }
}

/** Tries before a lost race is reported as an error: each retry starts from a fresh read. */
const ATTEMPTS = 5;

/**
 * Runs `work` again when it lost a compare-and-set or MySQL chose it as a deadlock victim: both
 * mean "someone else moved first", and the transaction rolled back whole, so a rerun is safe.
 */
export async function retryRaces<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= ATTEMPTS || !(err instanceof LostRace || isDeadlock(err))) throw err;
    }
  }
}
