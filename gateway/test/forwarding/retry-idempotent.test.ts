import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** Retries are for requests that can be sent twice: GET is retried, POST never is. */
describe('an upstream failing its first 2 calls', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  let calls = 0;
  beforeEach(async () => {
    calls = 0;
    upstream = await startUpstream((_req, res) => {
      calls += 1;
      res.statusCode = calls <= 2 ? 503 : 200;
      res.end(calls <= 2 ? 'down' : 'up');
    });
    gw = await startResilienceGateway({ app: { url: upstream.url } }, [legacyRoute('things', '/things/*', 'app')]);
  });
  afterEach(async () => {
    await gw.close();
    await upstream.close();
  });

  it('succeeds on the 3rd call for GET', async () => {
    const a = await send(gw.port, '/things/1');
    expect(a.status).toBe(200);
    expect(a.text()).toBe('up');
    expect(upstream.seen.map((s) => s.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('is never retried for POST: the first 503 passes through', async () => {
    const a = await send(gw.port, '/things/1', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(a.status).toBe(503);
    expect(a.text()).toBe('down');
    expect(upstream.seen).toHaveLength(1);
  });

  it('retries a PUT the route declares idempotent, with its body sent again each time', async () => {
    await gw.close();
    gw = await startResilienceGateway({ app: { url: upstream.url } }, [legacyRoute('things', '/things/*', 'app', { idempotent: ['PUT'] })]);
    const a = await send(gw.port, '/things/1', { method: 'PUT', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
    expect(a.status).toBe(200);
    expect(upstream.seen.map((s) => s.body.toString())).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(upstream.seen.every((s) => s.headers['content-type'] === 'application/json')).toBe(true);
  });

  it('does not retry a PUT the route does not declare idempotent', async () => {
    const a = await send(gw.port, '/things/1', { method: 'PUT', body: '{"n":1}' });
    expect(a.status).toBe(503);
    expect(upstream.seen).toHaveLength(1);
  });
});
