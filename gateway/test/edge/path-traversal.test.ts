import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

/**
 * Every spelling of a path is normalised before routing, so that no variant reaches a route (or an
 * upstream path) its normal form does not. `fresh` serves /api/products/*, `legacy` the rest.
 */
describe('path traversal spellings', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  const get = (target: string) => rawRequest(stack.port, `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);

  it.each([
    ['/api/products/../../admin', '/admin'],
    ['/api/products/../admin', '/api/admin'],
    ['/api/products/%2e%2e/%2e%2e/admin', '/admin'],
    ['/api/products/%2E%2E/%2E%2E/admin', '/admin'],
    ['/api/products/.%2e/.%2E/admin', '/admin'],
    ['/api/products/./../../admin', '/admin'],
    ['/../../../admin', '/admin'],
    ['/api/products/%2e/../../admin', '/admin'],
  ])('%s resolves to %s and goes to the catch-all only', async (target, expected) => {
    const res = await get(target);
    expect(res.status).toBe(200);
    expect(stack.fresh.seen).toHaveLength(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual([expected]);
  });

  it.each([
    ['/admin/../api/products/1', '/api/products/1'],
    ['/admin/%2e%2e/api/products/1', '/api/products/1'],
  ])('%s resolves into the products route as %s', async (target, expected) => {
    const res = await get(target);
    expect(res.status).toBe(200);
    expect(stack.legacy.seen).toHaveLength(0);
    expect(stack.fresh.seen.map((s) => s.url)).toEqual([expected]);
  });

  it.each([
    ['encoded slash', '/api/products%2F..%2F..%2Fadmin'],
    ['encoded slash (lower case)', '/api/products/a%2fb'],
    ['encoded backslash', '/api/products/..%5C..%5Cadmin'],
    ['raw backslash', '/api/products/..\\..\\admin'],
    ['dot-dot with a parameter', '/api/products/..;/admin'],
    ['dot with a parameter', '/api/products/.;x/1'],
    ['encoded dot-dot with a parameter', '/api/products/%2e%2e;x/admin'],
    ['dot-dot with an encoded ; (..%3B, which an upstream decodes to ..;)', '/api/products/..%3B/..%3B/admin'],
    ['encoded dot-dot with an encoded ;', '/api/products/%2e%2e%3bx/admin'],
    ['encoded NUL', '/api/products/a%00'],
    ['bad percent-encoding', '/api/products/%zz'],
    ['truncated percent-encoding', '/api/products/%2'],
  ])('%s → 400, forwarded nowhere', async (_name, target) => {
    const res = await get(target);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(stack.fresh.connections()).toBe(0);
    expect(stack.legacy.connections()).toBe(0);
  });
});
