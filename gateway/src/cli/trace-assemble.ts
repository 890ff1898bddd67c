import { REQUEST_ID_ATTRIBUTE, type SpanRecord } from '../observability/span-record';

/**
 * Spans into traces: each trace's spans in tree order (a parent before its children, siblings by
 * start time), with their depth. Spans come from several processes and clocks, and some may be
 * missing (not exported yet, dropped, sampled out): a span whose parent is not among them is shown
 * as a root, marked as such, and no shape of input (a cycle, a span twice) loses a span or loops.
 */

export interface TraceRow {
  readonly span: SpanRecord;
  readonly depth: number;
  /** The span names a parent that is not in the file. */
  readonly parentMissing: boolean;
}

export interface AssembledTrace {
  readonly traceId: string;
  /** The earliest start and the latest end of its spans, in ns since the epoch. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly rows: readonly TraceRow[];
  /** Services in order of first appearance. */
  readonly services: readonly string[];
  /** The request ids its spans carry. */
  readonly requestIds: readonly string[];
}

const startOf = (s: SpanRecord): bigint => BigInt(s.startTimeUnixNano);

function byStart(a: SpanRecord, b: SpanRecord): number {
  const d = startOf(a) - startOf(b);
  return d < 0n ? -1 : d > 0n ? 1 : a.name.localeCompare(b.name) || a.spanId.localeCompare(b.spanId);
}

function assembleOne(traceId: string, spans: readonly SpanRecord[]): AssembledTrace {
  // A span exported twice (an export retried after a lost answer) is shown once.
  const byId = new Map<string, SpanRecord>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, SpanRecord[]>();
  for (const s of byId.values()) {
    if (s.parentSpanId === null || !byId.has(s.parentSpanId) || s.parentSpanId === s.spanId) continue;
    const list = children.get(s.parentSpanId) ?? [];
    list.push(s);
    children.set(s.parentSpanId, list);
  }
  const isRoot = (s: SpanRecord) => s.parentSpanId === null || s.parentSpanId === s.spanId || !byId.has(s.parentSpanId);
  const rows: TraceRow[] = [];
  const seen = new Set<string>();
  const walk = (root: SpanRecord) => {
    // Iterative, so that a deep chain cannot overflow the stack.
    const stack: { span: SpanRecord; depth: number }[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (seen.has(span.spanId)) continue;
      seen.add(span.spanId);
      rows.push({ span, depth, parentMissing: depth === 0 && span.parentSpanId !== null && !byId.has(span.parentSpanId) });
      const kids = [...(children.get(span.spanId) ?? [])].sort(byStart);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
    }
  };
  const sorted = [...byId.values()].sort(byStart);
  for (const s of sorted) if (isRoot(s)) walk(s);
  // Spans that only reach each other (a cycle of parents) have no root: each first one becomes one.
  for (const s of sorted) if (!seen.has(s.spanId)) walk(s);
  const startNs = sorted.reduce((m, s) => (startOf(s) < m ? startOf(s) : m), startOf(sorted[0]!));
  const endNs = sorted.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), BigInt(sorted[0]!.endTimeUnixNano));
  const requestIds = [...new Set(sorted.map((s) => s.attributes[REQUEST_ID_ATTRIBUTE]).filter((v): v is string => typeof v === 'string'))];
  return { traceId, startNs, endNs, rows, services: [...new Set(rows.map((r) => r.span.service))], requestIds };
}

/** The spans grouped into traces, the earliest trace first. */
export function assembleTraces(spans: readonly SpanRecord[]): AssembledTrace[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  return [...byTrace.entries()].map(([id, list]) => assembleOne(id, list)).sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
