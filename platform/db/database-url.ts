/**
 * The database URL forms every part accepts, parsed once here so that a part's environment
 * variable means the same thing whichever part reads it.
 */

/** Where a URL points: a SQLite file (or memory), or a MySQL/MariaDB database. */
export type DatabaseTarget =
  | { readonly engine: 'sqlite'; readonly filename: string }
  | {
      readonly engine: 'mysql';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly database: string;
    };

/** Why a URL was refused: a scheme no driver here speaks, or a known scheme with a malformed rest. */
export type DatabaseUrlProblem = 'unsupported-scheme' | 'invalid';

const SQLITE_FORMS = 'sqlite:<path> or sqlite::memory:';
const MYSQL_FORM = 'mysql://user:pass@host:port/db';

/**
 * A URL that cannot become a connection. The message names the scheme and the accepted forms,
 * never the URL itself: it may carry a password, and the message reaches logs and terminals.
 */
export class DatabaseUrlError extends Error {
  readonly code = 'DATABASE_URL';
  constructor(
    readonly problem: DatabaseUrlProblem,
    /** The scheme as written (lower-cased), undefined when the URL has none. */
    readonly scheme: string | undefined,
    /** The accepted forms, as "expected …", for callers that word the refusal their own way. */
    readonly expected: string,
  ) {
    super(
      problem === 'unsupported-scheme'
        ? `Unsupported database URL scheme ${scheme === undefined ? '(none)' : `"${scheme}:"`}: ${expected}`
        : `Invalid database URL for scheme "${scheme}:": ${expected}`,
    );
    this.name = 'DatabaseUrlError';
  }
}

function sqliteTarget(rest: string, readOnly: boolean): DatabaseTarget {
  // Read-only memory is an empty database forever: refused, so a typo cannot read nothing quietly.
  if (rest === '' || (readOnly && rest === ':memory:')) {
    throw new DatabaseUrlError('invalid', 'sqlite', `expected ${readOnly ? 'sqlite:<path>' : SQLITE_FORMS}`);
  }
  return { engine: 'sqlite', filename: rest };
}

function mysqlTarget(url: string): DatabaseTarget {
  const invalid = new DatabaseUrlError('invalid', 'mysql', `expected ${MYSQL_FORM}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid;
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || database === '' || database.includes('/')) throw invalid;
  return {
    engine: 'mysql',
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/**
 * Reads `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db` (port 3306 when
 * left out; user and password percent-decoded). `readOnly` refuses `sqlite::memory:`.
 */
export function parseDatabaseUrl(url: string, readOnly = false): DatabaseTarget {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return sqliteTarget(url.slice('sqlite:'.length), readOnly);
  if (scheme === 'mysql') return mysqlTarget(url);
  const sqlite = readOnly ? 'sqlite:<path>' : 'sqlite:<path>, sqlite::memory:';
  throw new DatabaseUrlError('unsupported-scheme', scheme, `expected ${sqlite} or ${MYSQL_FORM}`);
}

/** The URL with its credentials replaced by `***`, for messages that must say which database. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
