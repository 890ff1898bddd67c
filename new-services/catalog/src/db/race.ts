import { isDeadlock, isPrimaryKeyViolation } from '../../../../platform';

/**
 * Two first writes of the same new id can both see "absent" (MySQL does not lock a missing row),
 * and one then hits the primary key or a deadlock. Running the loser once more turns it into an
 * ordinary update (or unchanged), which is what an idempotent upsert promises.
 */
function isRace(err: unknown): boolean {
  return isDeadlock(err) || isPrimaryKeyViolation(err);
}

export async function withRetryOnRace<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isRace(err)) throw err;
    }
  }
}
