import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { nanos, otlpTraceJson } from '../trace/otlp-json-body';
import { AWKWARD_STRINGS, sampleSpans } from '../test-kit/sample-spans';

/**
 * The body our exporter writes, held field by field to the SDK's own JSON serializer for the same
 * spans. The one intended difference: OTLP JSON carries 64-bit integers as decimal strings, the
 * SDK's serializer as JSON numbers (both read the same by any OTLP receiver).
 */
function sdkBody(spans: Parameters<typeof otlpTraceJson>[0]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest([...spans]);
  return intsAsStrings(JSON.parse(new TextDecoder().decode(bytes)));
}

function intsAsStrings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(intsAsStrings);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'intValue' && typeof x === 'number' ? BigInt(x).toString() : intsAsStrings(x)]));
}

describe('the OTLP JSON body', () => {
  let spans: Awaited<ReturnType<typeof sampleSpans>>;
  beforeAll(async () => {
    spans = await sampleSpans();
  });

  it('equals what the SDK serializer makes of the same spans, field by field', () => {
    // The sample must exercise what it claims to, or the comparison proves little.
    expect(new Set(spans.map((s) => s.resource))).toHaveProperty('size', 2);
    expect(spans.some((s) => s.droppedAttributesCount > 0 && s.droppedEventsCount > 0 && s.droppedLinksCount > 0)).toBe(true);
    expect(spans.some((s) => s.parentSpanContext?.isRemote)).toBe(true);
    expect(JSON.parse(otlpTraceJson(spans))).toEqual(sdkBody(spans));
  });

  it('equals it span by span too, each span alone in a body', () => {
    for (const s of spans) expect(JSON.parse(otlpTraceJson([s]))).toEqual(sdkBody([s]));
  });

  it('is an empty request for no spans', () => {
    expect(JSON.parse(otlpTraceJson([]))).toEqual({ resourceSpans: [] });
  });

  it('carries integers as OTLP JSON does, in decimal strings, exact past 2^53', () => {
    const body = otlpTraceJson(spans);
    expect(body).toContain('"key":"strangler.huge","value":{"intValue":"1152921504606846976"}');
    expect(body).toContain('"key":"strangler.negative","value":{"intValue":"-42"}');
    expect(body).toContain('"key":"strangler.retry.backoff_ms","value":{"doubleValue":12.75}');
  });

  it('keeps every awkward string intact through JSON', () => {
    const root = JSON.parse(otlpTraceJson(spans)).resourceSpans[0].scopeSpans[0].spans.find((s: { kind: number }) => s.kind === 2);
    const values = (root.attributes as { key: string; value: { stringValue?: string } }[]).filter((a) => a.key.startsWith('unicode.')).map((a) => a.value.stringValue);
    expect(values).toEqual(AWKWARD_STRINGS);
  });

  it('writes times as exact decimal nanoseconds', () => {
    expect(nanos([1733380000, 5])).toBe('1733380000000000005');
    expect(nanos([1733380002, 123456789])).toBe('1733380002123456789');
    expect(nanos([0, 42])).toBe('42');
    expect(nanos([0, 0])).toBe('0');
    // What the SDK would hand over only if something upstream were off: still an exact integer.
    expect(nanos([1.5, 7])).toBe('1000000007');
  });

  it('names the doubles JSON has no number for', () => {
    // The SDK keeps such values; only the attributes differ from a real span.
    const odd = Object.create(spans[0]!, { attributes: { value: { nan: NaN, inf: Infinity, ninf: -Infinity, big: 1e300 } } }) as (typeof spans)[0];
    const attrs = JSON.parse(otlpTraceJson([odd])).resourceSpans[0].scopeSpans[0].spans[0].attributes;
    expect(attrs).toEqual([
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'inf', value: { doubleValue: 'Infinity' } },
      { key: 'ninf', value: { doubleValue: '-Infinity' } },
      { key: 'big', value: { doubleValue: 1e300 } },
    ]);
  });
});
