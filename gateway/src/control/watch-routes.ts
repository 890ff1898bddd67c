import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRouteTableError, type TableIssue } from '../config/errors';
import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';

export interface WatchRouteTableOptions {
  /** The routes.json in service; its content when the watcher starts counts as applied. */
  readonly file: string;
  /** Reads and compiles the file; throws RouteTableError listing every problem. */
  readonly load: (file: string) => RouteTable;
  /** Puts a good new table in service. A throw (or a rejected promise) is logged, never raised. */
  readonly onTable: (table: RouteTable) => void | Promise<void>;
  readonly logger: Logger;
  /** Quiet time after the last change event before the file is read (default 100). */
  readonly debounceMs?: number;
  /** Interval of the stat-based safety net for file systems where fs.watch misses events (default 1000). */
  readonly pollMs?: number;
}

export interface RouteTableWatcher {
  /** Stops the directory watch, the poll and a pending reload. */
  close(): void;
}

/** Content seen at one instant: its hash, or why it could not be read. */
const MISSING = 'missing';

function contentHash(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return MISSING;
  }
}

/** Changes when the file is rewritten, renamed over or replaced; the content hash decides whether it really changed. */
function statSignature(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return MISSING;
  }
}

function issuesOf(file: string, e: unknown): readonly TableIssue[] {
  if (isRouteTableError(e)) return e.issues;
  return [{ path: file, message: e instanceof Error ? e.message : String(e) }];
}

/**
 * Hot reload of routes.json. Watches the file's directory (editors save by writing a temporary
 * file and renaming it over the original, which a watch on the file itself would lose), debounces,
 * and polls stat as a safety net. A file is loaded only when its content hash changed; a good one
 * goes to onTable, a bad, half-written or missing one is refused with every issue logged, and the
 * table in service stays. Nothing thrown here reaches the caller after it returns.
 */
export function watchRouteTable(options: WatchRouteTableOptions): RouteTableWatcher {
  const { load, onTable, logger } = options;
  const file = path.resolve(options.file);
  const dir = path.dirname(file);
  const base = path.basename(file);
  const debounceMs = options.debounceMs ?? 100;
  const pollMs = options.pollMs ?? 1000;
  // A symlinked file (a Kubernetes ConfigMap mount) changes when another entry, `..data`, is
  // swapped, so every event in the directory counts.
  const everyEntry = isSymlink(file);

  let closed = false;
  /** Hash of the content behind the table in service. */
  let applied = contentHash(file);
  /** Hash of the content last acted on (applied or refused), so a refusal is logged once. */
  let seen = applied;
  let lastStat = statSignature(file);
  let pending: NodeJS.Timeout | null = null;
  let watcher: fs.FSWatcher | null = null;
  /** The poll retries a lost watch each round; the warning is logged once per loss. */
  let watchLost = false;

  const refuse = (issues: readonly TableIssue[]) => logger.error('route table refused', { file, issues });

  const apply = (table: RouteTable, hash: string) => {
    const done = () => {
      applied = hash;
      logger.info('route table reloaded', { file, routes: table.routes.length });
    };
    const failed = (e: unknown) => logger.error('route table reload failed', { file, error: e instanceof Error ? e.message : String(e) });
    try {
      const result: unknown = onTable(table);
      if (result instanceof Promise) result.then(done, failed);
      else done();
    } catch (e) {
      failed(e);
    }
  };

  const check = () => {
    if (closed) return;
    const before = contentHash(file);
    if (before === seen) return;
    if (before === applied) {
      seen = before;
      logger.info('route table file is back to the table in service', { file });
      return;
    }
    let table: RouteTable | null = null;
    let error: unknown = null;
    try {
      table = load(file);
    } catch (e) {
      error = e;
    }
    // Written again while it was being read: what was loaded may be neither version; look again.
    if (contentHash(file) !== before) return schedule();
    seen = before;
    if (table) apply(table, before);
    else refuse(issuesOf(file, error));
  };

  const safeCheck = () => {
    try {
      check();
    } catch (e) {
      logger.error('route table watcher failed', { file, error: e instanceof Error ? e.message : String(e) });
    }
  };

  function schedule(): void {
    if (closed) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      safeCheck();
    }, debounceMs);
  }

  const lostWatch = (e: unknown) => {
    if (!watchLost) logger.warn('route table watch unavailable, polling only', { file, error: e instanceof Error ? e.message : String(e) });
    watchLost = true;
  };

  const startWatch = () => {
    try {
      const w = fs.watch(dir, { persistent: true }, (_event, name) => {
        if (everyEntry || name === null || name === base) schedule();
      });
      w.on('error', (e) => {
        w.close();
        if (watcher === w) watcher = null;
        lostWatch(e);
      });
      watcher = w;
      watchLost = false;
    } catch (e) {
      lostWatch(e);
    }
  };

  const poll = setInterval(() => {
    if (!watcher) startWatch();
    const stat = statSignature(file);
    if (stat === lastStat) return;
    lastStat = stat;
    schedule();
  }, pollMs);

  startWatch();

  return {
    close() {
      closed = true;
      clearInterval(poll);
      if (pending) clearTimeout(pending);
      pending = null;
      watcher?.close();
      watcher = null;
    },
  };
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
