/** What the catalog logs through; winston's logger fits, and tests pass a silent one. */
export interface CatalogLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

/** A logger that drops everything, for tests and embedding. */
export const silentLogger: CatalogLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
