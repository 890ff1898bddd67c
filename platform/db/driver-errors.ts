/**
 * What a driver's error means, for SQLite (better-sqlite3) and MySQL/MariaDB (mysql2), so that a
 * caller reacts to "someone else wrote it first" the same way on both engines.
 *
 * MySQL errors are read by `code` and by `errno` (the number survives where a wrapper drops the
 * name); better-sqlite3 reports some conditions only as SQLITE_ERROR with a message, so those are
 * read from the message.
 */

interface DriverFields {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
}

function fieldsOf(err: unknown): DriverFields {
  return typeof err === 'object' && err !== null ? (err as DriverFields) : {};
}

/** MySQL's name for a condition and its number (mysqld_error.h). */
function isMysql(fields: DriverFields, code: string, errno: number): boolean {
  return fields.code === code || fields.errno === errno;
}

function messageMatches(fields: DriverFields, pattern: RegExp): boolean {
  return typeof fields.message === 'string' && pattern.test(fields.message);
}

/** A primary-key or unique-index violation: the row another writer inserted first. */
export function isUniqueViolation(err: unknown): boolean {
  const fields = fieldsOf(err);
  return (
    fields.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || fields.code === 'SQLITE_CONSTRAINT_UNIQUE' || isMysql(fields, 'ER_DUP_ENTRY', 1062)
  );
}

/**
 * A violation of the primary key itself, not of another unique index: two first writes of one id.
 * MySQL names the key only in its message, "for key 'PRIMARY'" (MariaDB) or "'products.PRIMARY'"
 * (MySQL 8); knex puts the statement before it, so the key is matched where the driver writes it.
 */
export function isPrimaryKeyViolation(err: unknown): boolean {
  const fields = fieldsOf(err);
  return fields.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (isMysql(fields, 'ER_DUP_ENTRY', 1062) && messageMatches(fields, /for key '(?:[^']*\.)?PRIMARY'/));
}

/** MySQL chose this transaction as a deadlock victim; running it again is the documented remedy. */
export function isDeadlock(err: unknown): boolean {
  return isMysql(fieldsOf(err), 'ER_LOCK_DEADLOCK', 1213);
}

/** A table another process created between our check and our create. */
export function isAlreadyExists(err: unknown): boolean {
  const fields = fieldsOf(err);
  return isMysql(fields, 'ER_TABLE_EXISTS_ERROR', 1050) || messageMatches(fields, /already exists/i);
}

/** A column another process added between our check and our alter. */
export function isDuplicateColumn(err: unknown): boolean {
  const fields = fieldsOf(err);
  return isMysql(fields, 'ER_DUP_FIELDNAME', 1060) || messageMatches(fields, /duplicate column/i);
}
