/** Progress goes to stderr so that stdout carries only the result (and stays parseable with `--json`). */
export interface Progress {
  /** Starts a new phase, e.g. "gateway, round 2 of 3". */
  phase(message: string): void;
  /** One second of the current phase has passed. */
  tick(elapsedSec: number, totalSec: number): void;
  /** Finishes the last line, before the result is printed. */
  end(): void;
}

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let open = false;
  let current = '';
  const end = () => {
    if (open) stream.write('\n');
    open = false;
  };
  return {
    phase(message) {
      end();
      current = message;
      stream.write(`bench: ${message}`);
      open = true;
    },
    tick(elapsedSec, totalSec) {
      // A terminal gets a counter rewritten in place; a log file gets one dot a second instead of a line.
      if (stream.isTTY) stream.write(`\r\x1b[2Kbench: ${current} ${elapsedSec}/${totalSec} s`);
      else stream.write('.');
      open = true;
    },
    end,
  };
}

/** For tests and for callers that want silence. */
export const silentProgress: Progress = { phase: () => undefined, tick: () => undefined, end: () => undefined };
