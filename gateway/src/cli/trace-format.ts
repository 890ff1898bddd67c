import { REQUEST_ID_ATTRIBUTE, type AttributeValue, type SpanRecord } from '../observability/span-record';
import type { AssembledTrace, TraceRow } from './trace-assemble';
import { cell } from './tables';

/**
 * A trace as a text waterfall: one line per span in tree order, a bar placing it within the
 * trace's time, its duration, its service, its name indented by depth, and the attributes worth
 * reading at a glance. `--json` prints {@link traceJson} instead.
 */

const BAR_WIDTH = 30;

/**
 * Attributes shown by a short name, in this order; the gateway's own (`strangler.*`) follow without
 * their prefix (`route` there is the route table's id, so the HTTP route template is `path`).
 */
const SHOWN: readonly (readonly [key: string, label: string])[] = [
  ['http.route', 'path'],
  ['http.response.status_code', 'status'],
  ['http.request.resend_count', 'resend'],
  ['server.address', 'server'],
  ['error.type', 'error'],
];
const MAX_VALUE = 60;

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;
const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

export function formatMs(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

function valueText(v: AttributeValue): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const clean = cell(text);
  return clean.length > MAX_VALUE ? `${clean.slice(0, MAX_VALUE - 1)}…` : clean;
}

function attributesText(span: SpanRecord): string[] {
  const a = span.attributes;
  const out: string[] = [];
  for (const [key, label] of SHOWN) {
    const v = a[key];
    if (v !== undefined) out.push(`${label}=${valueText(v)}`);
    // Without a route template, the path says what was asked.
    if (key === 'http.route' && v === undefined && a['url.path'] !== undefined) out.push(`path=${valueText(a['url.path'])}`);
  }
  const own = Object.keys(a).filter((k) => k.startsWith('strangler.') && k !== REQUEST_ID_ATTRIBUTE).sort();
  for (const key of own) out.push(`${key.slice('strangler.'.length)}=${valueText(a[key]!)}`);
  return out;
}

/** What else a row says: a failed status, a missing parent, links to other spans. */
function notes(row: TraceRow, names: ReadonlyMap<string, SpanRecord>): string[] {
  const s = row.span;
  const out: string[] = [];
  if (s.status.code === 'error') out.push(`ERROR${s.status.message ? ` ${valueText(s.status.message)}` : ''}`);
  if (row.parentMissing) out.push(`(parent ${s.parentSpanId} not in the file)`);
  for (const link of s.links) {
    const target = link.traceId === s.traceId ? names.get(link.spanId) : undefined;
    out.push(target ? `linked to ${cell(target.name)} (${cell(target.service)}, ${link.spanId})` : `linked to trace ${link.traceId} span ${link.spanId}`);
  }
  return out;
}

function bar(span: SpanRecord, t: AssembledTrace): string {
  const total = t.endNs - t.startNs;
  if (total <= 0n) return `|${'█'.repeat(BAR_WIDTH)}|`;
  const width = BigInt(BAR_WIDTH);
  const from = Number(((BigInt(span.startTimeUnixNano) - t.startNs) * width) / total);
  const to = Number(((BigInt(span.endTimeUnixNano) - t.startNs) * width + total - 1n) / total);
  const start = Math.min(Math.max(from, 0), BAR_WIDTH - 1);
  // Every span gets at least one mark, however short.
  const length = Math.max(1, Math.min(to, BAR_WIDTH) - start);
  return `|${' '.repeat(start)}${'█'.repeat(length)}${' '.repeat(BAR_WIDTH - start - length)}|`;
}

export function formatTrace(t: AssembledTrace): string {
  const header = [
    `trace ${t.traceId}`,
    count(t.rows.length, 'span'),
    `${formatMs(nsToMs(t.endNs - t.startNs))}`,
    `services: ${t.services.map(cell).join(', ')}`,
    ...(t.requestIds.length > 0 ? [`request ${t.requestIds.map(cell).join(', ')}`] : []),
  ].join('  ·  ');
  const names = new Map(t.rows.map((r) => [r.span.spanId, r.span]));
  const durations = t.rows.map((r) => formatMs(r.span.durationMs));
  const durationWidth = Math.max(...durations.map((d) => d.length));
  const serviceWidth = Math.max(...t.rows.map((r) => cell(r.span.service).length));
  const lines = t.rows.map((row, i) => {
    const name = `${'  '.repeat(row.depth)}${cell(row.span.name)}`;
    const extra = [...attributesText(row.span), ...notes(row, names)];
    const text = `${bar(row.span, t)}  ${durations[i]!.padStart(durationWidth)}  ${cell(row.span.service).padEnd(serviceWidth)}  ${name}${extra.length > 0 ? `  ${extra.join(' ')}` : ''}`;
    return text.trimEnd();
  });
  return [header, ...lines].join('\n') + '\n';
}

export function formatTraces(traces: readonly AssembledTrace[]): string {
  return traces.map(formatTrace).join('\n');
}

/** The traces as data: each span's record with its depth, in the waterfall's order. */
export function traceJson(traces: readonly AssembledTrace[], file: string): unknown {
  return {
    file,
    traces: traces.map((t) => ({
      traceId: t.traceId,
      startTimeUnixNano: String(t.startNs),
      durationMs: nsToMs(t.endNs - t.startNs),
      services: t.services,
      requestIds: t.requestIds,
      spans: t.rows.map((r) => ({ depth: r.depth, parentMissing: r.parentMissing, ...r.span })),
    })),
  };
}
