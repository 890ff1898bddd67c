import { captureLogs, type LogCapture } from '../kit/log-capture';
import { send } from '../kit/http-client';
import { startStack, type EdgeStack } from './edge-stack';
import { eventually } from '../../../platform/test-kit/eventually';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const INCOMING = `00-${TRACE}-${CALLER_SPAN}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C trace context at the edge: continued from trusted callers only, one span per try, on the request line. */
describe('trace context', () => {
  let stack: EdgeStack;
  let logs: LogCapture;
  const start = async (options: NonNullable<Parameters<typeof startStack>[0]> = {}) => {
    logs = captureLogs();
    stack = await startStack({ ...options, logger: logs.logger });
  };
  afterEach(() => stack.close());

  const sentTraceparent = (i = 0) => {
    const m = TRACEPARENT.exec(String(stack.legacy.seen[i]!.headers.traceparent));
    if (!m) throw new Error(`no valid traceparent upstream: ${String(stack.legacy.seen[i]!.headers.traceparent)}`);
    return { traceId: m[1]!, spanId: m[2]!, flags: m[3]! };
  };
  const loggedTraceId = async (requestId: string) => {
    const line = await eventually(() => logs.entries().find((e) => e.message === 'request' && e.requestId === requestId));
    return line.traceId;
  };

  it('without a traceparent, a trace starts here: sent upstream and on the request line, not in the answer', async () => {
    await start();
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': 'tc-1' } });
    const sent = sentTraceparent();
    expect(sent.flags).toBe('01');
    expect(await loggedTraceId('tc-1')).toBe(sent.traceId);
    expect(res.headers.traceparent).toBeUndefined();
  });

  it('from a caller not in tracing.acceptFrom (by default: the trusted proxies, here none), a valid traceparent is replaced and its tracestate dropped', async () => {
    await start();
    await send(stack.port, '/x', { headers: { traceparent: INCOMING, tracestate: 'rojo=1' } });
    expect(sentTraceparent().traceId).not.toBe(TRACE);
    expect(stack.legacy.seen[0]!.headers.tracestate).toBeUndefined();
  });

  it('from an accepted caller, the trace is continued with the gateway\'s own span, its tracestate passed on, and echoed when configured', async () => {
    await start({ tracing: { acceptFrom: ['127.0.0.1', '::1'], respondTraceparent: true } });
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': 'tc-3', traceparent: INCOMING, tracestate: 'rojo=1' } });
    const sent = sentTraceparent();
    expect(sent.traceId).toBe(TRACE);
    expect(sent.spanId).not.toBe(CALLER_SPAN);
    expect(stack.legacy.seen[0]!.headers.tracestate).toBe('rojo=1');
    expect(await loggedTraceId('tc-3')).toBe(TRACE);
    const echoed = TRACEPARENT.exec(String(res.headers.traceparent));
    expect(echoed?.[1]).toBe(TRACE);
    expect(echoed?.[2]).not.toBe(CALLER_SPAN);
  });

  it('with tracing.propagate false (the bench baseline), no trace is read or sent, even from an accepted caller', async () => {
    await start({ tracing: { acceptFrom: ['127.0.0.1', '::1'], respondTraceparent: true, propagate: false } });
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': 'tc-off', traceparent: INCOMING, tracestate: 'rojo=1' } });
    expect(stack.legacy.seen[0]!.headers.traceparent).toBeUndefined();
    expect(stack.legacy.seen[0]!.headers.tracestate).toBeUndefined();
    expect(res.headers.traceparent).toBeUndefined();
    expect(await loggedTraceId('tc-off')).toBe('');
  });

  it.each([
    ['version ff', `ff-${TRACE}-${CALLER_SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`],
    ['upper-case hex', INCOMING.toUpperCase()],
    ['garbage', 'not a traceparent'],
  ])('a malformed traceparent (%s), even from an accepted caller, is replaced, never forwarded', async (_why, bad) => {
    await start({ tracing: { acceptFrom: ['127.0.0.0/8', '::1'] } });
    await send(stack.port, '/x', { headers: { traceparent: bad, tracestate: 'rojo=1' } });
    const raw = stack.legacy.seen[0]!.headers.traceparent;
    expect(raw).not.toBe(bad);
    expect(sentTraceparent().traceId).not.toBe(TRACE);
    expect(stack.legacy.seen[0]!.headers.tracestate).toBeUndefined();
  });

  it('each try of a retried request is a span of its own in the same trace', async () => {
    let calls = 0;
    await start({
      legacyHandler: (_req, res) => {
        calls += 1;
        res.statusCode = calls === 1 ? 503 : 200;
        res.end(calls === 1 ? 'busy' : 'ok');
      },
    });
    const res = await send(stack.port, '/x');
    expect(res.status).toBe(200);
    expect(stack.legacy.seen).toHaveLength(2);
    const [first, second] = [sentTraceparent(0), sentTraceparent(1)];
    expect(second.traceId).toBe(first.traceId);
    expect(second.spanId).not.toBe(first.spanId);
  });

  it('a shadow copy carries the request\'s trace, as a span of its own', async () => {
    await start({ routes: [{ id: 'mirrored', path: '/m/*', mode: 'shadow', legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' }, shadow: { noiseSample: 0 } }] });
    await send(stack.port, '/m/1');
    const copy = await eventually(() => stack.fresh.seen[0]);
    const m = TRACEPARENT.exec(String(copy.headers.traceparent));
    const primary = sentTraceparent();
    expect(m?.[1]).toBe(primary.traceId);
    expect(m?.[2]).not.toBe(primary.spanId);
  });
});
