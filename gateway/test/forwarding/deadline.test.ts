import http from 'node:http';
import { startFaultProxy, type FaultProxy } from '../kit/fault-proxy';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';
import { eventually } from '../../../platform/test-kit/eventually';

/** The deadline bounds the whole exchange until the answer begins, every try and backoff included. */
describe('the deadline', () => {
  let upstream: TestUpstream;
  let proxy: FaultProxy;
  let gw: ResilienceStack;
  const open: http.IncomingMessage[] = [];
  beforeEach(async () => {
    upstream = await startUpstream((req, res) => {
      open.push(req);
      res.end('late');
    });
    proxy = await startFaultProxy({ port: upstream.port });
  });
  afterEach(async () => {
    open.splice(0);
    await gw.close();
    await proxy.close();
    await upstream.close();
  });

  it('is a 504 naming the upstream, and the upstream request is aborted', async () => {
    const aborted: boolean[] = [];
    const probe = http.createServer((req) => req.on('close', () => aborted.push(true)));
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    gw = await startResilienceGateway({ slow: { url: `http://127.0.0.1:${port}`, timeoutMs: 10_000, deadlineMs: 300 } }, [legacyRoute('slow', '/slow/*', 'slow')]);
    // The upstream's own timeout is 10 s: a 504 that names the 300 ms deadline is the deadline's.
    const a = await send(gw.port, '/slow/1');
    expect(a.status).toBe(504);
    expect(a.json()).toMatchObject({ type: 'urn:strangler:problem:upstream-timeout', upstream: 'slow' });
    expect(String(a.json()['detail'])).toContain('"slow"');
    expect(String(a.json()['detail'])).toContain('300 ms deadline');
    await eventually(() => aborted.length === 1);
    probe.closeAllConnections();
    await new Promise<void>((r) => probe.close(() => r()));
  });

  it('covers every retry: tries that each fail slowly stop at the deadline', async () => {
    // Each try waits 150 ms for a 503; retries and budget would allow 10 tries (1.5 s), the deadline 400 ms.
    const flaky = await startUpstream((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    const flakyProxy = await startFaultProxy({ port: flaky.port });
    await flakyProxy.set('latency', { latencyMs: 150 });
    gw = await startResilienceGateway(
      { app: { url: flakyProxy.url, deadlineMs: 400, breaker: { enabled: false }, retry: { maxRetries: 9, baseMs: 1, capMs: 2 } } },
      [legacyRoute('things', '/things/*', 'app')],
    );
    const a = await send(gw.port, '/things/1');
    // Either the deadline ran out during a try (its 504, naming it), or it left no room for another
    // backoff and the last 503 passed through. Each try takes at least 150 ms, so no more than 3 of
    // the 10 allowed fit in 400 ms. (How the retry stops at the deadline: policies/retry.test.ts, on a manual clock.)
    expect([503, 504]).toContain(a.status);
    if (a.status === 504) expect(String(a.json()['detail'])).toContain('400 ms deadline');
    expect(flaky.seen.length).toBeGreaterThanOrEqual(2);
    expect(flaky.seen.length).toBeLessThanOrEqual(3);
    await flakyProxy.close();
    await flaky.close();
  });
});
