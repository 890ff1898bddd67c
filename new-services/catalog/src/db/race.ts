/**
 * Two first writes of the same new id can both see "absent" (MySQL does not lock a missing row),
 * and one then hits the primary key or a deadlock. Running the loser once more turns it into an
 * ordinary update (or unchanged), which is what an idempotent upsert promises.
 */
function isRace(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 'ER_LOCK_DEADLOCK' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return code === 'ER_DUP_ENTRY' && typeof message === 'string' && /PRIMARY/.test(message);
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
