import { startFaultProxy, type FaultProxy } from '../kit/fault-proxy';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * Through the gateway, on real sockets: an upstream that stops answering trips its breaker, which
 * then answers 503 + Retry-After at once instead of waiting out the timeout, and closes again once
 * a probe succeeds. Breaker timing itself is tested on a manual clock (test/resilience/breaker.test.ts,
 * test/forwarding/policies/breaker.test.ts).
 */
describe('a black-holed upstream behind a breaker (2 failures in a row, open 300 ms)', () => {
  let upstream: TestUpstream;
  let proxy: FaultProxy;
  let gw: ResilienceStack;
  beforeEach(async () => {
    upstream = await startUpstream((_req, res) => res.end('ok'));
    proxy = await startFaultProxy({ port: upstream.port });
    gw = await startResilienceGateway(
      { app: { url: proxy.url, timeoutMs: 400, breaker: { consecutiveFailures: 2, openMs: 300, halfOpenProbes: 1 } } },
      [legacyRoute('things', '/things/*', 'app')],
    );
  });
  afterEach(async () => {
    await gw.close();
    await proxy.close();
    await upstream.close();
  });

  it('opens after the threshold, fails fast, half-opens after its delay and closes after a success', async () => {
    await proxy.set('black-hole');
    expect((await send(gw.port, '/things/1')).status).toBe(504);
    expect((await send(gw.port, '/things/2')).status).toBe(504);
    // Bytes, not connections: the HTTP client may reconnect on its own after giving up on a try.
    const sent = proxy.received();

    // Failing fast means the open circuit answers without trying the upstream at all: not one
    // byte of this request reaches it, so there is no timeout to wait out.
    const fast = await send(gw.port, '/things/3');
    expect(fast.status).toBe(503);
    expect(fast.headers['content-type']).toBe('application/problem+json');
    expect(fast.json()).toMatchObject({ type: 'urn:strangler:problem:circuit-open', upstream: 'app' });
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(proxy.received()).toBe(sent);

    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    expect(metrics).toContain('strangler_upstream_circuit_state{upstream="app",state="open"} 1');
    expect(gw.gateway.circuits()).toEqual([expect.objectContaining({ upstream: 'app', state: 'open' })]);

    await proxy.set('pass');
    await eventually(() => gw.gateway.circuits()[0]?.state === 'half-open');
    const probe = await send(gw.port, '/things/4');
    expect(probe.status).toBe(200);
    expect(gw.gateway.circuits()[0]?.state).toBe('closed');
    expect((await send(gw.port, '/things/5')).status).toBe(200);
  });
});
