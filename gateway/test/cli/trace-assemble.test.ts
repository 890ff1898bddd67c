import type { SpanRecord } from '../../src/observability/span-record';
import { assembleTraces } from '../../src/cli/trace-assemble';

/** Spans from many processes into a tree: order, depth, and no loss or loop on odd input. */

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_700_000_000_000_000_000n;

function span(spanId: string, parentSpanId: string | null, startMs: number, endMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  const id = spanId.padStart(16, '0');
  return {
    traceId: TRACE,
    spanId: id,
    parentSpanId: parentSpanId === null ? null : parentSpanId.padStart(16, '0'),
    name: `span ${spanId}`,
    kind: 'internal',
    service: 'svc',
    startTimeUnixNano: String(T0 + BigInt(startMs * 1e6)),
    endTimeUnixNano: String(T0 + BigInt(endMs * 1e6)),
    durationMs: endMs - startMs,
    attributes: {},
    links: [],
    status: { code: 'unset' },
    ...over,
  };
}

const shape = (spans: SpanRecord[]) => assembleTraces(spans).map((t) => t.rows.map((r) => `${'  '.repeat(r.depth)}${r.span.spanId.replace(/^0+/, '')}${r.parentMissing ? ' (orphan)' : ''}`));

describe('assembleTraces', () => {
  it('puts each span under its parent, siblings by start time, whatever order they came in', () => {
    expect(shape([span('c', 'a', 10, 20), span('b', 'a', 2, 8), span('a', null, 0, 30), span('d', 'b', 3, 4)])).toEqual([['a', '  b', '    d', '  c']]);
  });

  it('keeps a child under its parent even when its clock puts it before the parent', () => {
    expect(shape([span('a', null, 10, 30), span('b', 'a', 5, 12)])).toEqual([['a', '  b']]);
  });

  it('shows a span whose parent is missing as a root of its own, marked, in start order', () => {
    expect(shape([span('a', null, 0, 30), span('x', 'ffff', 5, 6), span('y', 'x', 5, 6), span('b', 'a', 10, 20)])).toEqual([['a', '  b', 'x (orphan)', '  y']]);
  });

  it('shows a span exported twice once', () => {
    const a = span('a', null, 0, 30);
    expect(shape([a, a, span('b', 'a', 1, 2)])).toEqual([['a', '  b']]);
  });

  it('loses nothing and does not loop on a cycle of parents (roots first, then each cycle from its earliest span)', () => {
    expect(shape([span('a', 'b', 0, 3), span('b', 'a', 1, 2), span('c', 'c', 4, 5)])).toEqual([['c', 'a', '  b']]);
  });

  it('measures the trace from its earliest start to its latest end, and collects services and request ids', () => {
    const [t] = assembleTraces([
      span('a', null, 2, 10, { service: 'gateway', attributes: { 'strangler.request_id': 'r-1' } }),
      span('b', 'a', 1, 12, { service: 'catalog', attributes: { 'strangler.request_id': 'r-1' } }),
    ]);
    expect([t!.endNs - t!.startNs, t!.services, t!.requestIds]).toEqual([11_000_000n, ['gateway', 'catalog'], ['r-1']]);
  });

  it('returns each trace apart, the earliest first', () => {
    const late = span('a', null, 50, 60);
    const early = { ...span('b', null, 0, 1), traceId: '0af7651916cd43dd8448eb211c80319c' };
    expect(assembleTraces([late, early]).map((t) => t.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c', TRACE]);
  });
});
