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
    const started = performance.now();
    const a = await send(gw.port, '/slow/1');
    expect(performance.now() - started).toBeLessThan(5_000);
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
    const started = performance.now();
    const a = await send(gw.port, '/things/1');
    const took = performance.now() - started;
    expect([503, 504]).toContain(a.status);
    expect(took).toBeLessThan(400 + 300);
    expect(flaky.seen.length).toBeGreaterThanOrEqual(2);
    expect(flaky.seen.length).toBeLessThanOrEqual(3);
    await flakyProxy.close();
    await flaky.close();
  });
});
