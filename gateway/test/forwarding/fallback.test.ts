import { startFaultProxy, type FaultProxy } from '../kit/fault-proxy';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** Graceful degradation: a declared fallback answers safe requests when the primary cannot, and says so in a header. */
describe('route fallbacks', () => {
  let primary: TestUpstream;
  let spare: TestUpstream;
  let proxy: FaultProxy;
  let gw: ResilienceStack;
  beforeEach(async () => {
    primary = await startUpstream((_req, res) => res.end('primary'));
    spare = await startUpstream((_req, res) => res.end('spare'));
    proxy = await startFaultProxy({ port: primary.port });
    gw = await startResilienceGateway(
      { primary: { url: proxy.url, retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, openMs: 60_000 } }, spare: { url: spare.url } },
      [
        { id: 'recs', path: '/recs/*', mode: 'legacy', legacy: { upstream: 'primary' }, resilience: { fallback: { json: { items: [], degraded: true } } } },
        { id: 'items', path: '/items/*', mode: 'legacy', legacy: { upstream: 'primary' }, resilience: { fallback: { upstream: 'spare' } } },
      ],
    );
  });
  afterEach(async () => {
    await gw.close();
    await proxy.close();
    await Promise.all([primary.close(), spare.close()]);
  });

  it('no fallback while the primary answers', async () => {
    const a = await send(gw.port, '/recs/1');
    expect(a.text()).toBe('primary');
    expect(a.headers['x-strangler-fallback']).toBeUndefined();
  });

  it('a static JSON body serves when the primary is down, marked by x-strangler-fallback', async () => {
    await proxy.set('refuse');
    const a = await send(gw.port, '/recs/1');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.json()).toEqual({ items: [], degraded: true });
    expect(a.headers['x-strangler-fallback']).toBe('upstream-unreachable');
  });

  it('another upstream serves, at the same path, when the primary is down, then when its circuit is open', async () => {
    await proxy.set('refuse');
    const down = await send(gw.port, '/items/7?x=1');
    expect(down.text()).toBe('spare');
    expect(down.headers['x-strangler-fallback']).toBe('upstream-unreachable');
    expect(spare.seen[0]?.url).toBe('/items/7?x=1');
    await send(gw.port, '/items/8');
    await proxy.set('pass');
    const open = await send(gw.port, '/items/9');
    expect(open.text()).toBe('spare');
    expect(open.headers['x-strangler-fallback']).toBe('circuit-open');
    expect(primary.seen.filter((s) => s.url === '/items/9')).toHaveLength(0);
  });

  it('writes never fall back: a POST gets the problem', async () => {
    await proxy.set('refuse');
    const a = await send(gw.port, '/recs/1', { method: 'POST', body: '{}' });
    expect(a.status).toBe(502);
    expect(a.headers['x-strangler-fallback']).toBeUndefined();
  });
});
