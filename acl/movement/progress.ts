/** Progress on stderr: rows done/total, rate and ETA, throttled to a couple of lines a second. */
export interface Progress {
  update(done: number): void;
  finish(done: number): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  /** Rows already done when the run started (a resumed pass): they do not count towards the rate. */
  readonly startAt?: number;
  readonly write?: (line: string) => void;
  readonly intervalMs?: number;
  readonly clock?: () => number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(options: ProgressOptions): Progress {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const clock = options.clock ?? Date.now;
  const interval = options.intervalMs ?? 500;
  const startAt = options.startAt ?? 0;
  const started = clock();
  let last = started;

  const line = (done: number): string => {
    const elapsed = (clock() - started) / 1000;
    const rate = elapsed > 0 ? (done - startAt) / elapsed : 0;
    const pct = options.total > 0 ? ` (${((100 * done) / options.total).toFixed(1)}%)` : '';
    const eta = rate > 0 ? duration((options.total - done) / rate) : '?';
    return `${options.label}: ${done}/${options.total} rows${pct}, ${Math.round(rate)} rows/s, ETA ${eta}`;
  };

  return {
    update(done) {
      const now = clock();
      if (now - last < interval) return;
      last = now;
      write(line(done));
    },
    finish(done) {
      write(line(done));
    },
  };
}
