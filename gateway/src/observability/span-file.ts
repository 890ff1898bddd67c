import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SpanSink } from './trace-collector';
import type { SpanRecord } from './span-record';

/**
 * The collector's spans appended to a JSON-lines file, one span a line. Batches are written one
 * after the other, each in one append, so that lines of two batches never interleave and a
 * reader sees whole lines (but for the last one of a write in progress).
 */
export function jsonlSpanSink(file: string): SpanSink & { readonly file: string } {
  let last: Promise<unknown> = Promise.resolve();
  return {
    file,
    write(spans: readonly SpanRecord[]): Promise<void> {
      const text = spans.map((s) => JSON.stringify(s)).join('\n') + '\n';
      // The folder is made each time (a no-op once it exists): a data directory removed while the stack runs comes back.
      const done = last.then(() => mkdir(path.dirname(file), { recursive: true })).then(() => appendFile(file, text));
      // A failed write fails its own batch only: the next one tries again.
      last = done.catch(() => undefined);
      return done;
    },
  };
}
