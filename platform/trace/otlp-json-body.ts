import type { AttributeValue, Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * An ExportTraceServiceRequest in OTLP/HTTP JSON, written straight into UTF-8 bytes. The SDK's
 * serializer first builds an object per span, per attribute (`{key, value: {stringValue}}`) and
 * per value, then walks them all again in JSON.stringify: about half of what tracing costs a busy
 * gateway. This writes the same fields (held to the SDK's serializer by a differential test) as
 * one string per span, and follows the OTLP JSON mapping where the SDK does not: 64-bit integers
 * as decimal strings, NaN and the infinities as their names.
 */
export function otlpTraceBody(spans: readonly ReadableSpan[]): Buffer {
  // Grouped as the SDK groups them: by resource (its object), then by instrumentation scope, in order of arrival.
  const byResource = new Map<ReadableSpan['resource'], Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (scopes === undefined) byResource.set(span.resource, (scopes = new Map()));
    const s = span.instrumentationScope;
    const key = `${s.name}@${s.version ?? ''}:${s.schemaUrl ?? ''}`;
    const list = scopes.get(key);
    if (list === undefined) scopes.set(key, [span]);
    else list.push(span);
  }
  const out = new Utf8Sink(1024 + spans.length * 1024);
  out.write('{"resourceSpans":[');
  let firstResource = true;
  for (const [resource, scopes] of byResource) {
    const schemaUrl = resource.schemaUrl ? `,"schemaUrl":${str(resource.schemaUrl)}` : '';
    out.write(`${firstResource ? '' : ','}{"resource":{"attributes":${attributes(resource.attributes)},"droppedAttributesCount":0${schemaUrl}},"scopeSpans":[`);
    let firstScope = true;
    for (const list of scopes.values()) {
      const scope = list[0]!.instrumentationScope;
      out.write(`${firstScope ? '' : ','}{"scope":{"name":${str(scope.name)}${scope.version === undefined ? '' : `,"version":${str(scope.version)}`}},"spans":[`);
      for (let i = 0; i < list.length; i++) out.write(i === 0 ? span(list[i]!) : `,${span(list[i]!)}`);
      out.write(`]${scope.schemaUrl === undefined ? '' : `,"schemaUrl":${str(scope.schemaUrl)}`}}`);
      firstScope = false;
    }
    out.write(`]${schemaUrl}}`);
    firstResource = false;
  }
  out.write(']}');
  return out.bytes();
}

/** The same body as text, for tests and tools. */
export function otlpTraceJson(spans: readonly ReadableSpan[]): string {
  return otlpTraceBody(spans).toString('utf8');
}

/**
 * Bytes written a span at a time. One string for the whole batch would be a rope of thousands of
 * pieces, and flattening it before encoding costs several times what building it did; a span's
 * string is small, flattened and encoded at once into a buffer that doubles when it must.
 */
class Utf8Sink {
  private buf: Buffer;
  private length = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  write(s: string): void {
    // At most three bytes per UTF-16 unit: a surrogate pair's two units make four.
    if (this.buf.length - this.length < s.length * 3) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + s.length * 3));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

// OTLP span flags: the W3C trace flags in the low byte, then "is-remote is known" and "the parent is remote".
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

function flags(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | HAS_IS_REMOTE | (remote ? IS_REMOTE : 0);
}

function span(s: ReadableSpan): string {
  const ctx = s.spanContext();
  const parent = s.parentSpanContext?.spanId ? `,"parentSpanId":${str(s.parentSpanContext.spanId)}` : '';
  const traceState = ctx.traceState ? `,"traceState":${str(ctx.traceState.serialize())}` : '';
  // The API's SpanKind counts from INTERNAL = 0; OTLP's enum keeps 0 for "unspecified".
  let out = `{"traceId":${str(ctx.traceId)},"spanId":${str(ctx.spanId)}${parent}${traceState},"name":${str(s.name)},"kind":${s.kind == null ? 0 : s.kind + 1}`;
  out += `,"startTimeUnixNano":"${nanos(s.startTime)}","endTimeUnixNano":"${nanos(s.endTime)}","attributes":${attributes(s.attributes)},"droppedAttributesCount":${s.droppedAttributesCount}`;
  out += ',"events":[';
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i]!;
    out += `${i === 0 ? '' : ','}{"attributes":${attributes(e.attributes)},"name":${str(e.name)},"timeUnixNano":"${nanos(e.time)}","droppedAttributesCount":${e.droppedAttributesCount ?? 0}}`;
  }
  out += `],"droppedEventsCount":${s.droppedEventsCount},"status":{"code":${s.status.code}${s.status.message === undefined ? '' : `,"message":${str(s.status.message)}`}},"links":[`;
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i]!;
    const state = l.context.traceState ? `,"traceState":${str(l.context.traceState.serialize())}` : '';
    out += `${i === 0 ? '' : ','}{"attributes":${attributes(l.attributes)},"spanId":${str(l.context.spanId)},"traceId":${str(l.context.traceId)}${state},"droppedAttributesCount":${l.droppedAttributesCount ?? 0},"flags":${flags(l.context, l.context.isRemote)}}`;
  }
  return `${out}],"droppedLinksCount":${s.droppedLinksCount},"flags":${flags(ctx, s.parentSpanContext?.isRemote)}}`;
}

function attributes(attrs: Attributes | undefined): string {
  if (attrs === undefined) return '[]';
  let out = '[';
  let first = true;
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    out += `${first ? '' : ','}{"key":${str(key)},"value":${anyValue(attrs[key])}}`;
    first = false;
  }
  return `${out}]`;
}

/** A value of the API's (AttributeValue) or of the newer AnyValue kind: bytes and maps included. */
function anyValue(v: AttributeValue | Uint8Array | object | null | undefined): string {
  switch (typeof v) {
    case 'string':
      return `{"stringValue":${str(v)}}`;
    case 'boolean':
      return v ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      return number(v);
    default:
  }
  if (v instanceof Uint8Array) return `{"bytesValue":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"}`;
  if (Array.isArray(v)) {
    let out = '{"arrayValue":{"values":[';
    for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + anyValue(v[i] as AttributeValue);
    return `${out}]}}`;
  }
  if (typeof v === 'object' && v !== null) {
    let out = '{"kvlistValue":{"values":[';
    let first = true;
    for (const [key, value] of Object.entries(v)) {
      out += `${first ? '' : ','}{"key":${str(key)},"value":${anyValue(value as AttributeValue)}}`;
      first = false;
    }
    return `${out}]}}`;
  }
  return '{}';
}

const INT64_LIMIT = 2 ** 63;

function number(v: number): string {
  if (Number.isSafeInteger(v)) return `{"intValue":"${v}"}`;
  // An integral double past 2^53 is still an int64 when it fits one: written out digit by digit, never as 1e+21.
  if (Number.isInteger(v) && v < INT64_LIMIT && v >= -INT64_LIMIT) return `{"intValue":"${BigInt(v)}"}`;
  if (Number.isFinite(v)) return `{"doubleValue":${v}}`;
  // JSON has no number for these; the protobuf JSON mapping names them.
  return `{"doubleValue":"${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"}`;
}

/**
 * Decimal nanoseconds from [seconds, nanoseconds], exactly: seconds × 1e9 is past 2^53 for any
 * date after 1970's first 104 days, so the digits are put side by side rather than multiplied.
 */
export function nanos(t: HrTime): string {
  const [s, ns] = t;
  if (Number.isSafeInteger(s) && s >= 0 && Number.isInteger(ns) && ns >= 0 && ns < 1e9) return s === 0 ? String(ns) : s + String(ns).padStart(9, '0');
  return (BigInt(Math.trunc(s)) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

// JSON.stringify of one string is a fast path of its own (no object walk); it escapes lone surrogates, keeping the bytes valid UTF-8.
function str(s: string): string {
  return JSON.stringify(s);
}
