import type { Knex } from 'knex';
import { DatabaseUrlError, openDatabase } from '../../../platform';
import { ControlError } from './errors';

/** The driver-error tests the state and shadow stores use, kept importable from here beside the opener. */
export { isAlreadyExists, isDuplicateColumn, isUniqueViolation } from '../../../platform';

const SHAPES = 'expected sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db';

/**
 * Opens the state store's database from its URL through platform's opener: one SQLite connection
 * (an in-memory database must not be split), at most four MySQL connections per replica, a 5 s
 * connect timeout, and knex's warnings dropped (a failing store reaches its caller as an error, not
 * as console noise). A bad URL is an invalid-request ControlError that, like the opener's own
 * error, never repeats the URL (it may hold a password). Nothing connects until the first query.
 */
export function openStateDb(url: string): Knex {
  try {
    return openDatabase(url, { pool: { max: 4 }, connectTimeoutMs: 5_000, onWarning: () => undefined });
  } catch (err) {
    if (!(err instanceof DatabaseUrlError)) throw err;
    const scheme = err.scheme === undefined ? '(none)' : `"${err.scheme}:"`;
    throw new ControlError('invalid-request', err.problem === 'unsupported-scheme' ? `unsupported state store URL scheme ${scheme}: ${SHAPES}` : `bad state store URL: ${SHAPES}`);
  }
}
