import { compileMatcher, methodSet, type MatchableRoute } from '../../src/config/matcher';
import { compilePattern, covers } from '../../src/config/pattern';
import { compileRewrite } from '../../src/config/rewrite';
import type { HttpMethod } from '../../src/http/methods';

const route = (id: string, path: string, methods?: HttpMethod[]): MatchableRoute => ({ id, pattern: compilePattern(path), methods: methodSet(methods) });
const segs = (p: string) => p.split('/').filter(Boolean);

describe('matcher', () => {
  const matcher = compileMatcher([
    route('catch-all', '/*'),
    route('api', '/api/*'),
    route('products-any', '/api/products/:id'),
    route('products-get', '/api/products/:id', ['GET']),
    route('product-special', '/api/products/special'),
    route('products-root', '/api/products'),
    route('orders-post', '/api/orders', ['POST']),
  ]);
  const which = (method: string, path: string) => matcher.match(method, segs(path))?.route.id;

  it('picks the most specific route, then the one with methods', () => {
    expect(which('GET', '/api/products/special')).toBe('product-special');
    expect(which('GET', '/api/products/42')).toBe('products-get');
    expect(which('HEAD', '/api/products/42')).toBe('products-get');
    expect(which('DELETE', '/api/products/42')).toBe('products-any');
    expect(which('GET', '/api/products')).toBe('products-root');
    expect(which('GET', '/api/products/42/reviews')).toBe('api');
    expect(which('GET', '/api')).toBe('api');
    expect(which('GET', '/apiX')).toBe('catch-all');
    expect(which('GET', '/')).toBe('catch-all');
    expect(which('GET', '/api/orders')).toBe('api');
    expect(which('POST', '/api/orders')).toBe('orders-post');
  });

  it('captures parameters and the rest', () => {
    expect(matcher.match('GET', segs('/api/products/42'))?.params).toEqual({ id: '42' });
    expect(matcher.match('GET', segs('/api/a/b/c'))?.params).toEqual({ '*': 'a/b/c' });
  });

  it('does not depend on the order routes are declared in', () => {
    const reversed = compileMatcher([route('products-root', '/api/products'), route('api', '/api/*'), route('catch-all', '/*')].reverse());
    expect(reversed.match('GET', segs('/api/products'))?.route.id).toBe('products-root');
  });
});

describe('covers', () => {
  it.each([
    ['/*', '/anything/at/all', true],
    ['/api/:id', '/api/:sku', true],
    ['/api/:id', '/api/x', true],
    ['/api/x', '/api/:id', false],
    ['/api/:id', '/api/*', false],
    ['/api/*', '/api', true],
    ['/api', '/api/*', false],
  ])('%s covers %s: %s', (a, b, expected) => {
    expect(covers(compilePattern(a), compilePattern(b))).toBe(expected);
  });
});

describe('rewrite', () => {
  it('keeps the request path when there is no template', () => {
    expect(compileRewrite(undefined, '/a/:id')('/a/1', { id: '1' })).toBe('/a/1');
  });

  it('re-encodes parameters so they can never become separators or dot segments upstream', () => {
    const build = compileRewrite('/legacy/products/:id', '/api/v2/products/:id');
    expect(build('', { id: '42' })).toBe('/legacy/products/42');
    expect(build('', { id: '..' })).toBe('/legacy/products/%2E%2E');
    expect(build('', { id: '.' })).toBe('/legacy/products/%2E');
    expect(build('', { id: 'a/b' })).toBe('/legacy/products/a%2Fb');
    expect(build('', { id: 'a?b#c' })).toBe('/legacy/products/a%3Fb%23c');
    expect(build('', { id: '%252e%252e' })).toBe('/legacy/products/%252e%252e');
    expect(build('', { id: 'a\\b' })).toBe('/legacy/products/a%5Cb');
  });

  it('carries the rest of the path', () => {
    expect(compileRewrite('/v1/*', '/api/*')('', { '*': 'x/y' })).toBe('/v1/x/y');
    expect(compileRewrite('/v1/*', '/api/*')('', { '*': '' })).toBe('/v1');
  });
});
