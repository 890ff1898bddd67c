import type { Logger } from '../log/logger';

/** What to stop on a signal, and how to say so. */
export interface ShutdownOptions {
  readonly logger: Logger;
  /** Logged as `<name> stopping` with the signal. */
  readonly name: string;
  /** Drains the server and releases what it held (the database); exit 0 once it resolves. */
  readonly close: () => Promise<void>;
  /** Injected by tests; the process's own by default. */
  readonly exit?: (code: number) => void;
  readonly signals?: NodeJS.EventEmitter;
}

/**
 * On the first SIGINT or SIGTERM, drains and exits 0 (1 when closing fails, logged). An
 * orchestrator sends SIGTERM and waits; a second signal while draining changes nothing.
 */
export function closeOnSignals(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? process;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.logger.info(`${options.name} stopping`, { signal });
    options.close().then(
      () => exit(0),
      (err: unknown) => {
        options.logger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
        exit(1);
      },
    );
  };
  signals.once('SIGINT', stop);
  signals.once('SIGTERM', stop);
}
