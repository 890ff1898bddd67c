import http from 'node:http';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send, type Answer } from '../kit/http-client';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';
import { eventually } from '../../../platform/test-kit/eventually';

/** The reporting endpoint's bulkhead: 2 at once, no queue; the 3rd is refused at once and other routes are untouched. */
describe('a route bulkhead of 2 with no queue', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  const held: http.ServerResponse[] = [];
  beforeEach(async () => {
    upstream = await startUpstream((req, res) => {
      if (req.url?.startsWith('/reports')) held.push(res);
      else res.end('product');
    });
    gw = await startResilienceGateway({ app: { url: upstream.url } }, [
      legacyRoute('reports', '/reports/*', 'app', { bulkhead: { maxConcurrent: 2, queue: 0 } }),
      legacyRoute('products', '/products/*', 'app'),
    ]);
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    await gw.close();
    await upstream.close();
  });

  it('rejects the N+1th concurrent request immediately with 503 + Retry-After', async () => {
    const slow = [send(gw.port, '/reports/a'), send(gw.port, '/reports/b')];
    await eventually(() => held.length === 2);

    // Refused at once: answered while both slots are still held (they are freed only further
    // down), so a third that waited for a slot would never be answered here.
    let answered: Answer | undefined;
    void send(gw.port, '/reports/c').then((a) => (answered = a));
    const third = await eventually(() => answered);
    expect(held).toHaveLength(2);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('1');
    expect(third.json()).toMatchObject({ type: 'urn:strangler:problem:bulkhead-full', upstream: 'app' });
    expect(upstream.seen.filter((s) => s.url === '/reports/c')).toHaveLength(0);

    expect((await send(gw.port, '/products/1')).text()).toBe('product');

    for (const res of held.splice(0)) res.end('report');
    expect((await Promise.all(slow)).map((a) => a.status)).toEqual([200, 200]);
    const again = send(gw.port, '/reports/d');
    await eventually(() => held.length === 1);
    held.splice(0).forEach((res) => res.end('report'));
    expect((await again).status).toBe(200);
  });
});

describe('an upstream bulkhead of 1 with a queue of 1', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  const held: http.ServerResponse[] = [];
  beforeEach(async () => {
    upstream = await startUpstream((_req, res) => held.push(res));
    gw = await startResilienceGateway({ app: { url: upstream.url, bulkhead: { maxConcurrent: 1, queue: 1 } } }, []);
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    await gw.close();
    await upstream.close();
  });

  it('queues one request until a slot frees, and refuses the next at once', async () => {
    const first = send(gw.port, '/a');
    await eventually(() => held.length === 1);
    const queued = send(gw.port, '/b');
    const refused = await send(gw.port, '/c');
    expect(refused.status).toBe(503);
    expect(held).toHaveLength(1);
    held.shift()?.end('a');
    expect((await first).status).toBe(200);
    await eventually(() => held.length === 1);
    held.shift()?.end('b');
    expect((await queued).text()).toBe('b');
  });
});
