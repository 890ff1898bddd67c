import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

describe('over-long request targets', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  it('a 64 KB path → 414 problem+json, forwarded nowhere', async () => {
    const path = '/api/products/' + 'a'.repeat(64 * 1024);
    const res = await rawRequest(stack.port, `GET ${path} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(stack.fresh.connections()).toBe(0);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a target over the default 8 KB limit → 414, including when the length is in the query', async () => {
    const res = await rawRequest(stack.port, `GET /x?q=${'b'.repeat(9_000)} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a long path within the limit is forwarded intact', async () => {
    const path = '/api/products/' + 'c'.repeat(4_000);
    const res = await rawRequest(stack.port, `GET ${path} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(stack.fresh.seen.map((s) => s.url)).toEqual([path]);
  });
});

describe('over-long request targets with a configured limit', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({ limits: { maxUrlBytes: 100 } });
  });
  afterEach(() => stack.close());

  it('uses limits.maxUrlBytes', async () => {
    const res = await rawRequest(stack.port, `GET /${'d'.repeat(150)} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(stack.legacy.connections()).toBe(0);
  });
});
