import { normalizeTarget } from '../../src/routing/normalize';

function pathOf(target: string): string {
  const n = normalizeTarget(target);
  return n.ok ? n.path : `refused: ${n.reason}`;
}

describe('normalizeTarget', () => {
  it.each([
    ['/', '/'],
    ['/api/products', '/api/products'],
    ['/api/../admin', '/admin'],
    ['/api/./products', '/api/products'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['//api///products', '/api/products'],
    ['/api/%2e%2e/admin', '/admin'],
    ['/api/%2E%2e/admin', '/admin'],
    ['/api/.%2e/admin', '/admin'],
    ['/%61pi/products', '/api/products'],
    ['/api/products/', '/api/products/'],
    ['/api/products;jsessionid=1', '/api/products;jsessionid=1'],
    ['/api/a%20b', '/api/a%20b'],
    ['/api/%3f', '/api/%3F'],
    ['/API/Products', '/API/Products'],
    ['http://elsewhere/x/../y', '/y'],
    ['HTTP://elsewhere', '/'],
  ])('%s -> %s', (target, expected) => {
    expect(pathOf(target)).toBe(expected);
  });

  it.each(['/api/..%2fadmin', '/api/%2F', '/api/%5c..', '/api\\..\\admin', '/api/%00', '/api/%zz', '/api/..;/admin', '/api/.;x/a', '*', 'elsewhere/x'])(
    'refuses %s',
    (target) => {
      expect(normalizeTarget(target).ok).toBe(false);
    },
  );

  it('keeps the query apart and never lets it change the path', () => {
    const n = normalizeTarget('/api/products?next=/admin/../x&a=%2F');
    expect(n).toEqual({ ok: true, path: '/api/products', segments: ['api', 'products'], query: 'next=/admin/../x&a=%2F' });
  });
});
