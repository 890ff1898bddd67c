import { send } from '../kit/http-client';
import { startStack, type EdgeStack } from './edge-stack';

describe('ops endpoints on the public listener', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({
      routes: [{ id: 'orders', path: '/api/orders/*', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'legacy' } }],
    });
  });
  afterEach(() => stack.close());

  it('/healthz → 200, answered by the gateway itself', async () => {
    const res = await send(stack.port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
    expect(stack.legacy.connections()).toBe(0);
  });

  it('/readyz → 200 with the route count', async () => {
    const res = await send(stack.port, '/readyz');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', routes: 3 });
    expect(stack.legacy.connections()).toBe(0);
  });

  it('/metrics has per-route request counts and durations after traffic', async () => {
    await send(stack.port, '/api/orders/7');
    await send(stack.port, '/api/products/1');
    await send(stack.port, '/api/products/1');
    await send(stack.port, '/nowhere');
    const res = await send(stack.port, '/metrics');
    expect(res.status).toBe(200);
    const text = res.text();
    const counter = (labels: Record<string, string>) =>
      new RegExp(
        '^strangler_requests_total\\{' +
          Object.entries(labels).map(([k, v]) => `(?=[^}]*${k}="${v}")`).join('') +
          '[^}]*\\} (\\d+)$',
        'm',
      );
    expect(text).toMatch(counter({ route: 'orders', upstream: 'legacy', mode: 'legacy', status: '200' }));
    expect(text.match(counter({ route: 'products', upstream: 'fresh', mode: 'new', status: '200' }))?.[1]).toBe('2');
    expect(text).toMatch(counter({ route: 'catch-all', upstream: 'legacy', mode: 'legacy', status: '200' }));
    expect(text).toMatch(/^strangler_request_duration_seconds_bucket\{[^}]*route="products"[^}]*\} \d+$/m);
    expect(text).toMatch(/^strangler_request_duration_seconds_count\{[^}]*route="products"[^}]*\} 2$/m);
    expect(text).toMatch(/^strangler_request_duration_seconds_sum\{[^}]*route="orders"/m);
  });

  it('/metrics counts the gateway\'s own refusals too', async () => {
    await send(stack.port, '/a%2Fb');
    const text = (await send(stack.port, '/metrics')).text();
    expect(text).toMatch(/^strangler_requests_total\{[^}]*status="400"[^}]*\} 1$/m);
  });
});

describe('admin paths on the public listener', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({ routes: [] });
  });
  afterEach(() => stack.close());

  it.each(['/admin/routes', '/admin/history?route=x', '/admin/routes/v2.products/flip', '/admin//routes', '/%61dmin/routes', '/x/../admin/history'])(
    '%s → 404 problem, never forwarded (the catch-all would otherwise send it to legacy)',
    async (path) => {
      const res = await send(stack.port, path, { method: path.endsWith('flip') ? 'POST' : 'GET', headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toMatchObject({ detail: 'the admin API is served on its own listener only' });
      expect(stack.legacy.connections()).toBe(0);
    },
  );

  it('other /admin paths belong to the monolith and are forwarded', async () => {
    const res = await send(stack.port, '/admin/login');
    expect(res.status).toBe(200);
    expect(stack.legacy.seen.at(-1)?.url).toBe('/admin/login');
  });
});
