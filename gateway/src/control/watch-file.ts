import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../observability/logger';

export interface FileWatchOptions {
  /** An absolute path. */
  readonly file: string;
  /** Quiet time after the last change event before onQuiet is called. */
  readonly debounceMs: number;
  /** Interval of the stat-based safety net for file systems where fs.watch misses events. */
  readonly pollMs: number;
  readonly logger: Logger;
  /** What the file is, in the log: "route table". */
  readonly label: string;
  /** The file may have changed and has been quiet since; returns true when it was still being written, to look again after another quiet time. */
  readonly onQuiet: () => boolean;
}

/** Stat as seen when the file could not be stat'ed. */
const MISSING = 'missing';

/** Changes when the file is rewritten, renamed over or replaced; the content hash decides whether it really changed. */
function statSignature(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return MISSING;
  }
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Says when a file may have changed, once it has been quiet for a while. Watches the file's
 * directory (editors save by writing a temporary file and renaming it over the original, which a
 * watch on the file itself would lose), debounces, and polls stat as a safety net; a watch that
 * is lost is opened again by the poll.
 */
export class FileWatch {
  private readonly dir: string;
  private readonly base: string;
  // A symlinked file (a Kubernetes ConfigMap mount) changes when another entry, `..data`, is
  // swapped, so every event in the directory counts.
  private readonly everyEntry: boolean;
  private lastStat: string;
  private pending: NodeJS.Timeout | null = null;
  private watcher: fs.FSWatcher | null = null;
  /** The poll retries a lost watch each round; the warning is logged once per loss. */
  private watchLost = false;
  private closed = false;
  private readonly poll: NodeJS.Timeout;

  constructor(private readonly options: FileWatchOptions) {
    const { file } = options;
    this.dir = path.dirname(file);
    this.base = path.basename(file);
    this.everyEntry = isSymlink(file);
    this.lastStat = statSignature(file);
    this.poll = setInterval(() => this.pollStat(), options.pollMs);
    this.startWatch();
  }

  /** Stops the directory watch, the poll and a pending look. */
  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.watcher?.close();
    this.watcher = null;
  }

  /** (Re)starts the quiet time; onQuiet is called when it ends without another change. */
  private schedule(): void {
    if (this.closed) return;
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = null;
      if (this.closed) return;
      if (this.options.onQuiet()) this.schedule();
    }, this.options.debounceMs);
  }

  private pollStat(): void {
    if (!this.watcher) this.startWatch();
    const stat = statSignature(this.options.file);
    if (stat === this.lastStat) return;
    this.lastStat = stat;
    this.schedule();
  }

  private startWatch(): void {
    try {
      const w = fs.watch(this.dir, { persistent: true }, (_event, name) => {
        if (this.everyEntry || name === null || name === this.base) this.schedule();
      });
      w.on('error', (e) => {
        w.close();
        if (this.watcher === w) this.watcher = null;
        this.lostWatch(e);
      });
      this.watcher = w;
      this.watchLost = false;
    } catch (e) {
      this.lostWatch(e);
    }
  }

  private lostWatch(e: unknown): void {
    if (!this.watchLost) this.options.logger.warn(`${this.options.label} watch unavailable, polling only`, { file: this.options.file, error: messageOf(e) });
    this.watchLost = true;
  }
}
