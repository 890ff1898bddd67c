import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { MovementError, firstLine } from './errors';
import type { Rejection } from './translate';

/** An append-only JSON-lines report of the rows the ACL refused, one `{key, code, reason, paths}` a line. */
export interface RejectReport {
  readonly file: string;
  append(rejections: readonly Rejection[]): void;
}

function open(file: string): RejectReport {
  return {
    file,
    append(rejections) {
      if (rejections.length === 0) return;
      try {
        appendFileSync(file, rejections.map((r) => JSON.stringify(r)).join('\n') + '\n');
      } catch (err) {
        throw new MovementError('STATE_FILE', `cannot append to ${file}: ${firstLine(err)}`);
      }
    },
  };
}

/** A fresh pass starts an empty report. */
export function startRejectReport(file: string): RejectReport {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return open(file);
}

/**
 * A resumed pass keeps the lines of acknowledged batches only: a run killed between appending a
 * batch's rejects and writing its checkpoint would otherwise list those rows twice. Streamed, so
 * a large report costs no memory.
 */
export async function resumeRejectReport(file: string, lastKey: number): Promise<RejectReport> {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) return startRejectReport(file);
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let key: unknown;
    try {
      key = (JSON.parse(line) as { key?: unknown }).key;
    } catch {
      continue; // a line torn by a kill mid-append
    }
    if (typeof key === 'number' && key <= lastKey && !out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, file);
  return open(file);
}
