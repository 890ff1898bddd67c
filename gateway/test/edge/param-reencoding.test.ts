import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

/**
 * A route parameter copied into a rewrite template must arrive upstream as exactly one segment:
 * never a separator, never a dot segment, even once the upstream decodes it (and, like a servlet
 * container, drops a `;` parameter from it).
 */
function expectOneSafeSegment(url: string, prefix: string): void {
  expect(url.startsWith(prefix)).toBe(true);
  const raw = url.slice(prefix.length);
  expect(raw).not.toBe('');
  expect(raw).not.toMatch(/[/?#\\]/);
  const once = decodeURIComponent(raw);
  expect(once).not.toMatch(/[/\\]/);
  const bare = once.split(';', 1)[0];
  expect(['.', '..']).not.toContain(once);
  expect(['.', '..']).not.toContain(bare);
}

describe('route parameters re-encoded into a rewrite', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({
      routes: [
        { id: 'products-v2', path: '/api/v2/products/:id', mode: 'legacy', legacy: { upstream: 'legacy', rewrite: '/api/products/:id' } },
        { id: 'files-v2', path: '/api/v2/files/*', mode: 'new', new: { upstream: 'fresh', rewrite: '/files/*' } },
      ],
    });
  });
  afterEach(() => stack.close());

  const get = (target: string) => rawRequest(stack.port, `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);

  it('a plain id is substituted', async () => {
    await get('/api/v2/products/42?x=1');
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/api/products/42?x=1']);
  });

  it.each([
    ['%252e%252e', '/api/products/%252e%252e'],
    ['%252E%252E%252Fadmin', '/api/products/%252E%252E%252Fadmin'],
    ['%3F', '/api/products/%3F'],
    ['%3Fadmin=1', '/api/products/%3Fadmin=1'],
    ['%23frag', '/api/products/%23frag'],
    ['a%20b', '/api/products/a%20b'],
    ['a"b', '/api/products/a%22b'],
    ['a{b}|^`', '/api/products/a%7Bb%7D%7C%5E%60'],
    ['%2e%2e%2e', '/api/products/...'],
  ])('%s arrives as the single segment %s', async (id, expected) => {
    const res = await get(`/api/v2/products/${id}`);
    expect(res.status).toBe(200);
    expect(stack.fresh.seen).toHaveLength(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual([expected]);
    expectOneSafeSegment(stack.legacy.seen[0]!.url, '/api/products/');
  });

  it.each([
    ['%2e%2e', '/api/v2'],
    ['..', '/api/v2'],
    ['%2E', '/api/v2/products'],
    ['.', '/api/v2/products'],
  ])('%s as an id is resolved away, not substituted', async (id, resolved) => {
    await get(`/api/v2/products/${id}`);
    // The dot segment is removed first, so the v2 route (which needs an id) does not match at all.
    expect(stack.legacy.seen.map((s) => s.url)).toEqual([resolved]);
    expect(stack.legacy.seen[0]!.url).not.toMatch(/^\/api\/products/);
  });

  it.each(['a%2Fb', '%2F', '%5C', '..;', '%2e%2e;x'])('%s as an id → 400, forwarded nowhere', async (id) => {
    const res = await get(`/api/v2/products/${id}`);
    expect(res.status).toBe(400);
    expect(stack.legacy.connections()).toBe(0);
    expect(stack.fresh.connections()).toBe(0);
  });

  it('an id that decodes to "..;" (dot-dot with an encoded ;) never reaches the upstream as a dot segment', async () => {
    const res = await get('/api/v2/products/%2E%2E%3B');
    // Refusing it is fine; forwarding it is fine only if the upstream cannot read it as "..".
    if (res.status !== 400) {
      expect(stack.legacy.seen).toHaveLength(1);
      expectOneSafeSegment(stack.legacy.seen[0]!.url, '/api/products/');
    } else {
      expect(stack.legacy.connections()).toBe(0);
    }
  });

  it('a rest parameter keeps its separators and re-encodes each segment', async () => {
    await get('/api/v2/files/a/%252e%252e/b%20c/%3F');
    expect(stack.fresh.seen.map((s) => s.url)).toEqual(['/files/a/%252e%252e/b%20c/%3F']);
  });

  it('a rest parameter cannot climb out of its rewrite', async () => {
    await get('/api/v2/files/a/../../../admin');
    expect(stack.fresh.seen).toHaveLength(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/api/admin']);
  });
});
