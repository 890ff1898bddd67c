/**
 * What every part's bootstrap logs through: the structural subset of a logger it calls, as
 * http-proxy-middleware does, so winston's logger, the console or a test's recorder all fit.
 * Calls are `logger.info(message, fields)`, the fields becoming the JSON line's members.
 */
export type Logger = Pick<Console, 'info' | 'warn' | 'error'>;

/** A logger that drops everything, for tests and embedding. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
