/** Table names of the orders database, in one place so migrations and the repository agree. */
export const T = {
  orders: 'orders',
  lines: 'order_lines',
  idempotency: 'order_idempotency_keys',
  sagas: 'order_sagas',
  sagaSteps: 'order_saga_steps',
} as const;

/** Longest Idempotency-Key accepted; the key column is sized to it. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
