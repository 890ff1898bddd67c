import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRouteTableError, type TableIssue } from '../config/errors';
import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';
import { FileWatch } from './watch-file';

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

/** Content as seen when the file could not be read. */
const MISSING = 'missing';

function contentHash(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return MISSING;
  }
}

function issuesOf(file: string, e: unknown): readonly TableIssue[] {
  if (isRouteTableError(e)) return e.issues;
  return [{ path: file, message: e instanceof Error ? e.message : String(e) }];
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Hot reload of routes.json. A FileWatch says when the file may have changed; the file is loaded
 * only when its content hash changed; a good one goes to onTable, a bad, half-written or missing
 * one is refused with every issue logged, and the table in service stays. Nothing thrown here
 * reaches the caller after it returns.
 */
export function watchRouteTable(options: WatchRouteTableOptions): RouteTableWatcher {
  const file = path.resolve(options.file);
  const reloader = new RouteTableReloader(file, options.load, options.onTable, options.logger);
  const watch = new FileWatch({
    file,
    label: 'route table',
    debounceMs: options.debounceMs ?? 100,
    pollMs: options.pollMs ?? 1000,
    logger: options.logger,
    onQuiet: () => reloader.look(),
  });
  return { close: () => watch.close() };
}

/**
 * Decides what a look at the file does, by content hash: which content is behind the table in
 * service, and which was last acted on, so that a change is loaded once and a refusal logged once.
 */
class RouteTableReloader {
  /** Hash of the content behind the table in service. */
  private applied: string;
  /** Hash of the content last acted on (applied or refused), so a refusal is logged once. */
  private seen: string;

  constructor(
    private readonly file: string,
    private readonly load: (file: string) => RouteTable,
    private readonly onTable: (table: RouteTable) => void | Promise<void>,
    private readonly logger: Logger,
  ) {
    // The content when the watcher starts counts as applied.
    this.applied = contentHash(file);
    this.seen = this.applied;
  }

  /** Loads the file if its content changed; true when it was written again meanwhile, to look again later. Never throws. */
  look(): boolean {
    try {
      return this.check();
    } catch (e) {
      this.logger.error('route table watcher failed', { file: this.file, error: messageOf(e) });
      return false;
    }
  }

  private check(): boolean {
    const { file } = this;
    const before = contentHash(file);
    if (before === this.seen) return false;
    if (before === this.applied) {
      this.seen = before;
      this.logger.info('route table file is back to the table in service', { file });
      return false;
    }
    let table: RouteTable | null = null;
    let error: unknown = null;
    try {
      table = this.load(file);
    } catch (e) {
      error = e;
    }
    // Written again while it was being read: what was loaded may be neither version; look again.
    if (contentHash(file) !== before) return true;
    this.seen = before;
    if (table) this.apply(table, before);
    else this.logger.error('route table refused', { file, issues: issuesOf(file, error) });
    return false;
  }

  private apply(table: RouteTable, hash: string): void {
    const done = () => {
      this.applied = hash;
      this.logger.info('route table reloaded', { file: this.file, routes: table.routes.length });
    };
    const failed = (e: unknown) => this.logger.error('route table reload failed', { file: this.file, error: messageOf(e) });
    try {
      const result: unknown = this.onTable(table);
      if (result instanceof Promise) result.then(done, failed);
      else done();
    } catch (e) {
      failed(e);
    }
  }
}
