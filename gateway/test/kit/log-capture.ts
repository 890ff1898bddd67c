import { Writable } from 'node:stream';
import type winston from 'winston';
import { createLogger } from '../../src/observability/logger';

export interface LogCapture {
  readonly logger: winston.Logger;
  /** Parsed JSON lines written so far. */
  entries(): Record<string, unknown>[];
}

/** A real gateway logger (the production format) writing into memory. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim() !== ''));
      cb();
    },
  });
  const logger = createLogger({ stream });
  return { logger, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
