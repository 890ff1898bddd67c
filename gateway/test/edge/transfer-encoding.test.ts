import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

/** Any Transfer-Encoding other than exactly `chunked` is a request-smuggling shape: refused, never forwarded. */
describe('Transfer-Encoding other than exactly "chunked"', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  const refused: [string, string][] = [
    ['gzip, chunked', 'Transfer-Encoding: gzip, chunked\r\n'],
    ['chunked, chunked', 'Transfer-Encoding: chunked, chunked\r\n'],
    ['two chunked headers', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n'],
    ['Chunked (case variant)', 'Transfer-Encoding: Chunked\r\n'],
    ['identity', 'Transfer-Encoding: identity\r\n'],
    ['gzip alone', 'Transfer-Encoding: gzip\r\n'],
    ['chunked with Content-Length', 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n'],
    ['xchunked', 'Transfer-Encoding: xchunked\r\n'],
  ];

  it.each(refused)('%s → 400, connection closed, upstream sees nothing', async (_name, te) => {
    const res = await rawRequest(stack.port, `POST /api/products/1 HTTP/1.1\r\nHost: gw\r\n${te}\r\n5\r\nhello\r\n0\r\n\r\n`);
    expect(res.status).toBe(400);
    expect(res.closed).toBe(true);
    // Exactly one response: nothing smuggled behind the body was answered as a second request.
    expect(res.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(stack.fresh.connections()).toBe(0);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a smuggled second request behind a refused TE is never forwarded', async () => {
    const smuggled = 'GET /admin HTTP/1.1\r\nHost: gw\r\n\r\n';
    const body = `0\r\n\r\n${smuggled}`;
    const res = await rawRequest(
      stack.port,
      `POST /x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${body}`,
    );
    expect(res.status).toBe(400);
    expect(res.closed).toBe(true);
    expect(stack.legacy.seen).toHaveLength(0);
  });

  it('exactly "chunked" is accepted and the body arrives intact', async () => {
    const res = await rawRequest(
      stack.port,
      'POST /api/products/1 HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    expect(res.status).toBe(200);
    expect(stack.fresh.seen).toHaveLength(1);
    expect(stack.fresh.seen[0]!.body.toString()).toBe('hello world');
  });
});
