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
