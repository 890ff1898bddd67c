import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { compileRouteTable } from '../../src/config/load';
import { RouteTableError } from '../../src/config/errors';
import { createMetrics } from '../../src/observability/metrics';
import { createGateway, type Gateway } from '../../src/server';
import type { TranslationMapping } from '../../src/config/mapping';
import { send } from '../kit/http-client';
import { captureLogs, type LogCapture } from '../kit/log-capture';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { eventually } from '../../../platform/test-kit/eventually';

/** Graceful degradation by composition: a product answers without its recommendation strip when that service is down, and says so. */

/** A port nothing listens on: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const json = (status: number, body: unknown) => (res: http.ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', etag: '"p1"' });
  res.end(JSON.stringify(body));
};

/** Wraps the answer, so a test can tell the parts were merged into the translated body. */
const wrapping: TranslationMapping = { name: 'test/wrap', evaluate: (input) => Promise.resolve({ product: input }) };

describe('optional parts', () => {
  let products: TestUpstream;
  let recs: TestUpstream;
  let slow: TestUpstream;
  /** The slow part's calls: held unanswered until the end, each with whether the gateway gave up on it. */
  const slowCalls: { res: http.ServerResponse; closed: boolean }[] = [];
  let gw: Gateway;
  let port: number;
  let logs: LogCapture;
  beforeAll(async () => {
    products = await startUpstream((req, res) => {
      if (req.url?.startsWith('/products/404')) return json(404, { error: 'nope' })(res);
      if (req.url?.startsWith('/products/list')) return json(200, [1, 2])(res);
      if (req.url?.startsWith('/products/text')) return res.end('plain');
      json(200, { id: req.url?.split('/')[2], method: req.method })(res);
    });
    recs = await startUpstream((req, res) => {
      if (req.url === '/recommendations/500') return json(500, { error: 'boom' })(res);
      if (req.url === '/recommendations/html') return res.end('<p>recs</p>');
      json(200, { for: req.url?.split('/')[2], items: ['a', 'b'] })(res);
    });
    // Never answers while the test runs: "answered without the slow part" cannot be luck.
    slow = await startUpstream((_req, res) => {
      const call = { res, closed: false };
      res.on('close', () => (call.closed = true));
      slowCalls.push(call);
    });
    const down = await closedPort();
    const parts = (upstream: string, timeoutMs = 300) => ({ optionalParts: [{ field: 'recommendations', upstream, path: '/recommendations/:id', timeoutMs }] });
    const route = (id: string, path: string, upstream: string, extra: Record<string, unknown> = {}) => ({ id, path, mode: 'legacy', legacy: { upstream: 'products', rewrite: '/products/:id' }, resilience: parts(upstream), ...extra });
    const table = compileRouteTable(
      {
        upstreams: {
          products: { url: products.url },
          recs: { url: recs.url },
          down: { url: `http://127.0.0.1:${down}`, retry: { maxRetries: 0 } },
          slow: { url: slow.url },
        },
        routes: [
          route('up', '/up/:id', 'recs'),
          route('down', '/down/:id', 'down'),
          route('slow', '/slow/:id', 'slow'),
          { ...route('translated', '/translated/:id', 'down'), legacy: { upstream: 'products', rewrite: '/products/:id', translate: { response: 'test/wrap' } } },
          {
            id: 'two',
            path: '/two/:id',
            mode: 'legacy',
            legacy: { upstream: 'products', rewrite: '/products/:id' },
            resilience: { optionalParts: [parts('recs').optionalParts[0], { field: 'reviews', upstream: 'down', path: '/reviews/:id' }] },
          },
          { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'products' } },
        ],
      },
      'test',
      { mappings: () => wrapping },
    );
    logs = captureLogs();
    gw = createGateway({ table, logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }) });
    await gw.listen(0, '127.0.0.1');
    port = (gw.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    // Optional chaining: a beforeAll that failed must still let every server close, or jest hangs.
    await gw?.close();
    for (const call of slowCalls) call.res.end();
    await Promise.all([products?.close(), recs?.close(), slow?.close()]);
  });

  it('merges a part that answers under its field, unmarked', async () => {
    const a = await send(port, '/up/7');
    expect(a.status).toBe(200);
    expect(a.json()).toEqual({ id: '7', method: 'GET', recommendations: { for: '7', items: ['a', 'b'] } });
    expect(a.headers['x-strangler-degraded']).toBeUndefined();
    expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(a.headers.etag).toBeUndefined();
    expect(recs.seen.some((s) => s.url === '/recommendations/7' && s.headers.accept === 'application/json')).toBe(true);
  });

  it('leaves out a part whose service is down, marks the answer, and logs why', async () => {
    const a = await send(port, '/down/8');
    expect(a.status).toBe(200);
    expect(a.json()).toEqual({ id: '8', method: 'GET' });
    expect(a.headers['x-strangler-degraded']).toBe('recommendations');
    expect(a.headers['cache-control']).toBe('no-store');
    const entry = logs.entries().find((e) => e['route'] === 'down');
    expect(entry?.['degraded']).toBe('recommendations (upstream-unreachable)');
  });

  it('leaves out a part later than its timeout, without waiting for it', async () => {
    const a = await send(port, '/slow/9');
    // Answered while the part still has not answered: not waiting for it. Left out because its own
    // timeout ran out (not because it failed at once), and the call given up on is closed.
    expect(a.json()).toEqual({ id: '9', method: 'GET' });
    expect(a.headers['x-strangler-degraded']).toBe('recommendations');
    const logged = await eventually(() => logs.entries().find((e) => e['route'] === 'slow'));
    expect(logged['degraded']).toBe('recommendations (timeout)');
    expect(slowCalls).toHaveLength(1);
    await eventually(() => slowCalls[0]?.closed);
  });

  it('leaves out a part that answers 500 or not JSON', async () => {
    const failed = await send(port, '/up/500');
    expect(failed.json()).toEqual({ id: '500', method: 'GET' });
    expect(failed.headers['x-strangler-degraded']).toBe('recommendations');
    const html = await send(port, '/up/html');
    expect(html.json()).toEqual({ id: 'html', method: 'GET' });
    expect(html.headers['x-strangler-degraded']).toBe('recommendations');
  });

  it('names every part left out, and merges the others', async () => {
    const a = await send(port, '/two/3');
    expect(a.json()).toEqual({ id: '3', method: 'GET', recommendations: { for: '3', items: ['a', 'b'] } });
    expect(a.headers['x-strangler-degraded']).toBe('reviews');
  });

  it('passes a non-2xx, non-JSON or non-object primary through untouched', async () => {
    const missing = await send(port, '/down/404');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'nope' });
    expect(missing.headers['x-strangler-degraded']).toBeUndefined();
    const text = await send(port, '/down/text');
    expect(text.text()).toBe('plain');
    expect(text.headers['x-strangler-degraded']).toBeUndefined();
    const list = await send(port, '/up/list');
    expect(list.json()).toEqual([1, 2]);
    expect(list.headers['x-strangler-degraded']).toBeUndefined();
  });

  it('composes only GET: a POST is forwarded alone', async () => {
    const before = recs.seen.length;
    const a = await send(port, '/up/5', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(a.json()).toEqual({ id: '5', method: 'POST' });
    expect(a.headers['x-strangler-degraded']).toBeUndefined();
    expect(recs.seen.length).toBe(before);
  });

  it('composes on the translated body when the side translates', async () => {
    const a = await send(port, '/translated/4');
    expect(a.json()).toEqual({ product: { id: '4', method: 'GET' } });
    expect(a.headers['x-strangler-degraded']).toBe('recommendations');
  });
});

describe('optional parts in the route table', () => {
  const issuesOf = (part: Record<string, unknown>): string[] => {
    try {
      compileRouteTable(
        {
          upstreams: { legacy: { url: 'http://127.0.0.1:1' } },
          routes: [
            { id: 'p', path: '/p/:id', mode: 'legacy', legacy: { upstream: 'legacy' }, resilience: { optionalParts: [part] } },
            { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
          ],
        },
        'test',
      );
      return [];
    } catch (e) {
      if (!(e instanceof RouteTableError)) throw e;
      return e.issues.map((i) => `${i.path}: ${i.message}`);
    }
  };
  const at = 'routes[0].resilience.optionalParts[0]';

  it('accepts a sound part', () => {
    expect(issuesOf({ field: 'recs', upstream: 'legacy', path: '/recs/:id' })).toEqual([]);
  });

  it('refuses an unknown upstream, a field that is not a plain name and a bad path, each with its path', () => {
    expect(issuesOf({ field: 'recs', upstream: 'nope', path: '/recs/:id' })).toEqual([`${at}.upstream: unknown upstream "nope"`]);
    expect(issuesOf({ field: 'a.b', upstream: 'legacy', path: '/recs/:id' })).toEqual([expect.stringMatching(new RegExp(`^${at.replace(/[[\].]/g, '\\$&')}\\.field: must be a plain name`))]);
    expect(issuesOf({ field: '__proto__', upstream: 'legacy', path: '/recs/:id' })).toHaveLength(1);
    expect(issuesOf({ field: 'recs', upstream: 'legacy', path: '/recs/:sku' })).toEqual([expect.stringMatching(/^routes\[0\]\.resilience\.optionalParts\[0\]\.path: rewrite "\/recs\/:sku" uses :sku/)]);
  });
});
