/** What the orders service logs through; a winston logger fits, tests pass a silent one. */
export interface OrdersLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

/** A logger that drops everything, for tests and embedding. */
export const silentLogger: OrdersLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
