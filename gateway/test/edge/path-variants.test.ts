import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

/** Variants that must route exactly as their normal form does, and never to a route they do not match. */
describe('path variants and routing', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({
      routes: [{ id: 'health-exact', path: '/api/health', mode: 'new', new: { upstream: 'fresh' } }],
    });
  });
  afterEach(() => stack.close());

  const get = (target: string) => rawRequest(stack.port, `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
  const where = () => ({ fresh: stack.fresh.seen.map((s) => s.url), legacy: stack.legacy.seen.map((s) => s.url) });

  it.each([
    ['//api//products///1', '/api/products/1'],
    ['/api/./products/./1', '/api/products/1'],
    ['/api/products/1/', '/api/products/1/'],
    ['/api/products', '/api/products'],
    ['/api/products/', '/api/products/'],
    ['/%61pi/products/1', '/api/products/1'],
    ['/api/products/%7Euser', '/api/products/~user'],
  ])('%s reaches the products route as %s', async (target, expected) => {
    expect((await get(target)).status).toBe(200);
    expect(where()).toEqual({ fresh: [expected], legacy: [] });
  });

  it.each([
    ['/API/products/1', 'matching is case-sensitive'],
    ['/Api/Products', 'matching is case-sensitive'],
    ['/apiX/products/1', 'a prefix never matches a longer word'],
    ['/api/productsX', 'a prefix never matches a longer word'],
    ['/api/products;x', 'a ; parameter is part of a literal segment'],
    ['/api/products;jsessionid=1/1', 'a ; parameter is part of a literal segment'],
    ['/api/products%2Dx', 'decoded unreserved characters stay in their segment'],
    ['/api%3Fproducts/1', 'an encoded ? is data, not a query'],
  ])('%s goes to the catch-all (%s)', async (target) => {
    expect((await get(target)).status).toBe(200);
    expect(where().fresh).toEqual([]);
    expect(where().legacy).toHaveLength(1);
  });

  it('forwards a ; segment literally', async () => {
    await get('/api/products;x');
    expect(where()).toEqual({ fresh: [], legacy: ['/api/products;x'] });
  });

  it('an exact route ignores a trailing slash', async () => {
    await get('/api/health/');
    await get('//api/health');
    expect(where().legacy).toEqual([]);
    expect(where().fresh).toHaveLength(2);
  });

  it('an exact route does not take a longer path', async () => {
    await get('/api/health/deep');
    await get('/api/healthz');
    expect(where().fresh).toEqual([]);
    expect(where().legacy).toEqual(['/api/health/deep', '/api/healthz']);
  });

  it('the query string never affects routing and is forwarded byte for byte', async () => {
    await get('/other?path=/api/products/1&x=%2F..%2F&y=a%20b&z');
    await get('/api/products/1?../../admin=%2e%2e');
    expect(where()).toEqual({
      legacy: ['/other?path=/api/products/1&x=%2F..%2F&y=a%20b&z'],
      fresh: ['/api/products/1?../../admin=%2e%2e'],
    });
  });

  it('an unknown path goes to the catch-all as sent', async () => {
    await get('/no/such/thing');
    expect(where()).toEqual({ fresh: [], legacy: ['/no/such/thing'] });
  });
});
