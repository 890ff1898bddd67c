import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { REQUEST_ID_ATTRIBUTE, SpanRecordSchema, type SpanRecord } from '../observability/span-record';
import { UsageError } from './options';

/**
 * Reading `traces.jsonl` for one request: the spans of every trace that the argument names, by
 * its trace id or by a span's `strangler.request_id`. The file is streamed twice (which traces,
 * then their spans) rather than held whole, since it only grows while the stack runs; a line is
 * parsed only when it holds the text looked for.
 */

/** The request-id rule (platform's requestIdFrom), which a trace id's 32 hex digits also pass. */
const LOOKUP = /^[A-Za-z0-9._:-]{1,128}$/;

/** The argument as it is looked up: a trace id is matched in lower case, a request id as it is. */
export function lookupOf(arg: string): string {
  if (!LOOKUP.test(arg)) throw new UsageError(`"${arg}" is neither a trace id (32 hex digits) nor a request id (1-128 of A-Z a-z 0-9 . _ : -)`);
  return /^[0-9a-fA-F]{32}$/.test(arg) ? arg.toLowerCase() : arg;
}

/** A line the reader could not take as a span, by its number and why. */
export interface SkippedLine {
  readonly line: number;
  readonly problem: string;
}

export interface TraceFileRead {
  readonly spans: SpanRecord[];
  /** Lines that could hold the spans looked for but are not spans (a half-written last line, say). */
  readonly skipped: SkippedLine[];
}

export class TracesFileMissing extends Error {
  readonly code = 'E_NO_TRACES_FILE';
}

function parseLine(text: string, line: number): { span: SpanRecord } | SkippedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { line, problem: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const parsed = SpanRecordSchema.safeParse(json);
  if (parsed.success) return { span: parsed.data };
  const issue = parsed.error.issues[0];
  return { line, problem: `${issue?.path.join('.') || '(line)'}: ${issue?.message ?? 'not a span'}` };
}

/** Every span on a line containing `needle` that `pick` keeps, with the lines that could not be read. */
async function scan(file: string, needles: readonly string[], pick: (s: SpanRecord) => boolean): Promise<TraceFileRead> {
  const spans: SpanRecord[] = [];
  const skipped: SkippedLine[] = [];
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new TracesFileMissing(`no traces file at ${file}`) : e));
  });
  await opened;
  let n = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (text.trim() === '' || !needles.some((needle) => text.includes(needle))) continue;
    const r = parseLine(text, n);
    if ('span' in r) {
      if (pick(r.span)) spans.push(r.span);
    } else skipped.push(r);
  }
  return { spans, skipped };
}

/**
 * The spans of the traces `lookup` names: a trace id, or a request id carried by any of their
 * spans (a request id reused by a client names several traces; all are returned).
 */
export async function readTraceSpans(file: string, lookup: string): Promise<TraceFileRead> {
  const named = await scan(file, [lookup], (s) => s.traceId === lookup || s.attributes[REQUEST_ID_ATTRIBUTE] === lookup);
  const traceIds = new Set(named.spans.map((s) => s.traceId));
  if (traceIds.size === 0) return named;
  const all = await scan(file, [...traceIds], (s) => traceIds.has(s.traceId));
  return { spans: all.spans, skipped: [...new Map([...named.skipped, ...all.skipped].map((s) => [s.line, s])).values()].sort((a, b) => a.line - b.line) };
}
