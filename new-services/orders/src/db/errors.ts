/** Another request stored the same Idempotency-Key first; the caller re-reads the record and replays or refuses. */
export class IdempotencyKeyTakenError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_TAKEN';
  constructor(readonly key: string) {
    super('the Idempotency-Key was stored by a concurrent request');
    this.name = 'IdempotencyKeyTakenError';
  }
}

/** Two writers raced on the same order (a status change or a batch); the caller may retry. */
export class ConcurrentUpdateError extends Error {
  readonly code = 'CONCURRENT_UPDATE';
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentUpdateError';
  }
}

/** True for a primary-key or unique-index violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno } = err as { code?: unknown; errno?: unknown };
  return code === 'ER_DUP_ENTRY' || errno === 1062 || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
