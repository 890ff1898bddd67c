import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../platform/test-kit/otlp-receiver';
import { envWith, parentIn, runTracedGateway, startSeenUpstream, type SeenUpstream } from '../kit/traced-gateway-run';

const SERVER = 2;
const CLIENT = 3;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = '00f067aa0ba902b7';

/** The gateway's spans through OpenTelemetry, exported to an in-test OTLP/HTTP JSON receiver from a gateway process of its own. */
describe('gateway spans', () => {
  let receiver: OtlpReceiver;
  const upstreams: SeenUpstream[] = [];
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  const traced = () => envWith({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
  const upstream = async (handler: Parameters<typeof startSeenUpstream>[0]) => {
    const u = await startSeenUpstream(handler);
    upstreams.push(u);
    return u;
  };
  const ok = (body = '{"ok":true}') => (_req: unknown, res: import('node:http').ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  const requestSpan = (requestId: string): ReceivedSpan => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['strangler.request_id'] === requestId);
    if (!span) throw new Error(`no request span for ${requestId} among ${receiver.spans.length} spans`);
    return span;
  };

  it('a retried request: the request span (route, mode, decision, status) with one CLIENT span per try, each named by the traceparent its try sent', async () => {
    const legacy = await upstream((_req, res, n) => (n === 1 ? void res.writeHead(503).end('busy') : ok()(_req, res)));
    const table = { upstreams: { legacy: { url: legacy.url } }, routes: [{ id: 'items', path: '/items/*', mode: 'legacy', legacy: { upstream: 'legacy' } }] };
    const result = await runTracedGateway({ table, requests: [{ path: '/items/7?token=x', headers: { 'x-request-id': 'retry-1' } }] }, traced());
    expect(result.answers[0]!.status).toBe(200);
    // The probe's list of SDK modules is not empty when tracing is on (the checks without it can fail).
    expect(result.loaded.some((m) => m.includes('@opentelemetry/sdk-trace'))).toBe(true);

    const request = requestSpan('retry-1');
    expect(request).toMatchObject({
      service: 'strangler-gateway',
      name: 'GET /items/*',
      parentSpanId: '',
      attributes: { 'http.request.method': 'GET', 'url.path': '/items/7', 'http.route': '/items/*', 'http.response.status_code': 200, 'strangler.route.id': 'items', 'strangler.route.mode': 'legacy', 'strangler.decision': 'mode', 'strangler.side': 'legacy' },
    });
    const tries = receiver.spans.filter((s) => s.kind === CLIENT && s.parentSpanId === request.spanId).sort((a, b) => Number(a.attributes['strangler.attempt']) - Number(b.attributes['strangler.attempt']));
    expect(tries.map((t) => t.attributes['strangler.attempt'])).toEqual([1, 2]);
    expect(tries[0]).toMatchObject({ name: 'upstream try', traceId: request.traceId, status: 2, attributes: { 'http.response.status_code': 503, 'server.address': '127.0.0.1', 'strangler.upstream': 'legacy', 'url.full': `${legacy.url}/items/7` } });
    expect(tries[1]).toMatchObject({ traceId: request.traceId, attributes: { 'http.response.status_code': 200, 'http.request.resend_count': 1, 'server.port': Number(new URL(legacy.url).port) } });
    expect(tries[0]!.attributes['strangler.backoff_ms']).toBeUndefined();
    expect(tries[1]!.attributes['strangler.backoff_ms']).toEqual(expect.any(Number));
    // The upstream's side of each try is the try's child.
    expect(legacy.seen.map((h) => parentIn(h.traceparent))).toEqual(tries.map((t) => t.spanId));
  });

  it('a shadowed request: the copy is a span of the same trace LINKED to the request span (not its child), with the comparison verdict; the copy names it upstream', async () => {
    const legacy = await upstream(ok());
    const fresh = await upstream(ok());
    const table = {
      upstreams: { legacy: { url: legacy.url }, fresh: { url: fresh.url } },
      routes: [{ id: 'mirrored', path: '/m/*', mode: 'shadow', legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' }, shadow: { noiseSample: 0 } }],
    };
    await runTracedGateway({ table, requests: [{ path: '/m/1', headers: { 'x-request-id': 'shadow-1' } }], shadows: 1 }, traced());

    const request = requestSpan('shadow-1');
    const copy = receiver.spans.find((s) => s.name === 'shadow copy');
    expect(copy).toMatchObject({ traceId: request.traceId, parentSpanId: '', links: [{ traceId: request.traceId, spanId: request.spanId }], attributes: { 'strangler.request_id': 'shadow-1', 'strangler.route.id': 'mirrored', 'strangler.side': 'new', 'strangler.upstream': 'fresh', 'strangler.shadow.verdict': 'match', 'http.response.status_code': 200 } });
    expect(parentIn(fresh.seen[0]!.traceparent)).toBe(copy!.spanId);
    expect(request.attributes['strangler.route.mode']).toBe('shadow');
  });

  it('no span carries a header value, a query or a body: not the token, cookie or key a shadow sample would redact', async () => {
    const legacy = await upstream(ok());
    const fresh = await upstream(ok());
    const table = {
      upstreams: { legacy: { url: legacy.url }, fresh: { url: fresh.url } },
      routes: [{ id: 'mirrored', path: '/m/*', mode: 'shadow', methods: ['GET', 'POST'], legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' }, shadow: { noiseSample: 0 } }],
    };
    const secrets = { authorization: 'Bearer SECRET-TOKEN-1', cookie: 'session=SECRET-COOKIE-2', 'x-api-key': 'SECRET-KEY-3', 'user-agent': 'SECRET-AGENT-4', 'x-request-id': 'secret-1' };
    await runTracedGateway(
      { table, requests: [{ path: '/m/1?access_token=SECRET-QUERY-5', headers: secrets }, { path: '/m/2', method: 'POST', headers: { ...secrets, 'content-type': 'application/json', 'x-request-id': 'secret-2' }, body: '{"card":"SECRET-BODY-6"}' }], shadows: 1 },
      traced(),
    );
    expect(requestSpan('secret-1')).toBeDefined();
    expect(requestSpan('secret-2')).toBeDefined();
    const exported = receiver.bodies.join('\n');
    for (const secret of ['SECRET-TOKEN-1', 'SECRET-COOKIE-2', 'SECRET-KEY-3', 'SECRET-AGENT-4', 'SECRET-QUERY-5', 'SECRET-BODY-6']) expect(exported).not.toContain(secret);
  });

  it('a request the open circuit refuses: its span carries the refusal as an event, and no try', async () => {
    const legacy = await upstream((_req, res) => void res.writeHead(503).end('down'));
    const table = { upstreams: { legacy: { url: legacy.url, retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 1, openMs: 600_000 } } }, routes: [] };
    const result = await runTracedGateway({ table, requests: [{ path: '/a', headers: { 'x-request-id': 'trip-1' } }, { path: '/b', headers: { 'x-request-id': 'refused-1' } }] }, traced());
    expect(result.answers.map((a) => a.status)).toEqual([503, 503]);
    expect(legacy.seen).toHaveLength(1);
    const refused = requestSpan('refused-1');
    expect(refused).toMatchObject({ status: 2, attributes: { 'error.type': 'circuit-open', 'http.response.status_code': 503 }, events: [{ name: 'circuit open', attributes: { 'strangler.upstream': 'legacy' } }] });
    expect(receiver.spans.filter((s) => s.parentSpanId === refused.spanId)).toEqual([]);
    expect(requestSpan('trip-1').events).toEqual([]);
  });

  it("sampling is parent-based by default: a trusted caller's unsampled trace exports nothing, and the try still carries the trace on, unsampled", async () => {
    const legacy = await upstream(ok());
    const table = { upstreams: { legacy: { url: legacy.url } }, tracing: { acceptFrom: ['127.0.0.1', '::1'] }, routes: [] };
    await runTracedGateway({ table, requests: [{ path: '/a', headers: { traceparent: `00-${TRACE}-${CALLER}-00` } }, { path: '/b', headers: { traceparent: `00-${TRACE}-${CALLER}-01`, 'x-request-id': 'sampled-1' } }] }, traced());
    expect(String(legacy.seen[0]!.traceparent)).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    const request = requestSpan('sampled-1');
    expect(request).toMatchObject({ traceId: TRACE, parentSpanId: CALLER });
    expect(receiver.spans.every((s) => s.attributes['url.path'] !== '/a' && s.attributes['url.full'] !== `${legacy.url}/a`)).toBe(true);
  });

  it.each([
    ['no OTEL variable', {}],
    ['OTEL_TRACES_EXPORTER=none beside an endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'set below' }],
  ])('with %s, no OpenTelemetry SDK module is loaded and nothing is exported, while trace context still flows', async (_why, extra: NodeJS.ProcessEnv) => {
    const legacy = await upstream(ok());
    const table = { upstreams: { legacy: { url: legacy.url } }, routes: [] };
    const env = envWith(extra.OTEL_EXPORTER_OTLP_ENDPOINT ? { ...extra, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } : extra);
    const result = await runTracedGateway({ table, requests: [{ path: '/x' }] }, env);
    expect(result.answers[0]!.status).toBe(200);
    expect(result.loaded).toEqual([]);
    expect(receiver.bodies).toEqual([]);
    expect(String(legacy.seen[0]!.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
