import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** Strings a hand-written JSON writer could get wrong: quotes, backslashes, controls, non-ASCII, astral, the JS-only separators. */
export const AWKWARD_STRINGS = ['plain', '', 'quote " and \\ backslash', 'tab\tnew\nline\r\u0000\u001f', 'Grüße, 日本語, ✓', 'emoji 😀 and a lone \ud800', 'separators \u2028\u2029', '</script>'];

/**
 * Spans made by the real SDK with everything an export carries: every attribute type (arrays
 * with nulls, integers past 2^53, negative, fractional), events with and without attributes,
 * links with trace state, every kind, error status with a message, remote and local parents,
 * roots, times given as [s, ns] and as fractional milliseconds, dropped attributes, events and
 * links, two scopes of one resource and a second resource.
 */
export async function sampleSpans(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = (service: string, limits = {}) => new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test', 'host.cpus': 2 }), spanLimits: limits, spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const main = provider('strangler-gateway');
  const tight = provider('tight "service" ✓', { attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1 });
  const tracer = main.getTracer('strangler-gateway');
  const versioned = main.getTracer('strangler-platform', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });

  const caller = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('vendor=abc,other=x-1') };
  const remote = trace.setSpanContext(ROOT_CONTEXT, caller);
  const t0: [number, number] = [1733380000, 5];
  const root = tracer.startSpan('GET /api/items/{id}', {
    kind: SpanKind.SERVER,
    startTime: t0,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'strangler.retry.backoff_ms': 12.75,
      'strangler.negative': -42,
      'strangler.zero': 0,
      'strangler.huge': 2 ** 60,
      'strangler.tiny': 1e-7,
      'strangler.shadow': true,
      'strangler.sampled': false,
      'strangler.tags': ['a', 'b "c"', ''],
      'strangler.tries': [1, 2, 3],
      'strangler.waits': [0.5, 1.25],
      'strangler.flags': [true, false],
      'strangler.sparse': ['x', null, 'y'],
      'strangler.empty': [],
      ...Object.fromEntries(AWKWARD_STRINGS.map((s, i) => [`unicode.${i} ${s}`, s])),
    },
  }, remote);
  root.addEvent('bulkhead queued', { 'strangler.queue.depth': 3, 'strangler.queue.name': 'Grüße' }, [1733380000, 999999999]);
  root.addEvent('no attributes', 1733380000123.456);
  const child = tracer.startSpan('upstream try', { kind: SpanKind.CLIENT, startTime: [1733380000, 100], attributes: { 'strangler.attempt': 1 } }, trace.setSpan(remote, root));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'connect ECONNREFUSED 127.0.0.1:1 — "refused"' });
  child.end([1733380001, 0]);
  const copy = versioned.startSpan('shadow copy', { kind: SpanKind.CLIENT, root: true, links: [{ context: root.spanContext(), attributes: { 'strangler.link': 'primary', n: 7 } }, { context: caller }] });
  copy.setStatus({ code: SpanStatusCode.OK });
  copy.end();
  for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) versioned.startSpan(`kind ${kind}`, { kind }, trace.setSpan(ROOT_CONTEXT, copy)).end();
  root.end([1733380002, 123456789]);

  const t = tight.getTracer('tight');
  const over = t.startSpan('over the limits', { attributes: { a: 1, b: 2, c: 3, d: 4 }, links: [{ context: caller }, { context: root.spanContext() }] });
  over.addEvent('one');
  over.addEvent('two');
  over.end();
  // The simple processor hands each span over asynchronously.
  await Promise.all([main.forceFlush(), tight.forceFlush()]);
  return memory.getFinishedSpans();
}
