import { rawRequest } from '../kit/raw';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startStack, type EdgeStack } from './edge-stack';
import { edgeTable } from './edge-table';
import { startRawUpstream, type RawUpstream } from './probe-upstream';

const filler = (bytes: number) => {
  const lines: string[] = [];
  for (let i = 0; bytes > 0; i++) {
    const value = 'v'.repeat(Math.min(4_000, bytes));
    lines.push(`X-Filler-${i}: ${value}\r\n`);
    bytes -= value.length;
  }
  return lines.join('');
};

describe('oversized request heads', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  it('above the default 32 KB limit → 431 problem+json, forwarded nowhere', async () => {
    const res = await rawRequest(stack.port, `GET /api/products/1 HTTP/1.1\r\nHost: gw\r\n${filler(40 * 1024)}Connection: close\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, type: 'urn:strangler:problem:headers-too-large' });
    expect(stack.fresh.connections()).toBe(0);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('one huge header value counts too', async () => {
    const res = await rawRequest(stack.port, `GET /x HTTP/1.1\r\nHost: gw\r\nCookie: ${'c'.repeat(40_000)}\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('above 128 KB the HTTP parser refuses it: 431 problem+json and the connection closed', async () => {
    const res = await rawRequest(stack.port, `GET /x HTTP/1.1\r\nHost: gw\r\n${filler(140 * 1024)}\r\n`, 3_000);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 431 });
    expect(res.closed).toBe(true);
    expect(stack.legacy.connections()).toBe(0);
  });

});

describe('large request heads under the limit', () => {
  // Node's own default (16 KB) would refuse these at a Node upstream, so the upstream here is raw.
  let upstream: RawUpstream;
  let gw: RunningGateway;
  beforeEach(async () => {
    upstream = await startRawUpstream((_head, socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    gw = await startGateway(edgeTable(upstream.url, upstream.url));
  });
  afterEach(async () => {
    await gw.close();
    await upstream.close();
  });

  it('are forwarded whole', async () => {
    const res = await rawRequest(gw.port, `GET /x HTTP/1.1\r\nHost: gw\r\n${filler(30 * 1024)}Connection: close\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(upstream.heads).toHaveLength(1);
    expect(upstream.heads[0]!.length).toBeGreaterThan(30 * 1024);
  });
});

describe('oversized request heads with a configured limit', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({ limits: { maxHeaderBytes: 2_048 } });
  });
  afterEach(() => stack.close());

  it('uses limits.maxHeaderBytes', async () => {
    const res = await rawRequest(stack.port, `GET /x HTTP/1.1\r\nHost: gw\r\n${filler(3_000)}Connection: close\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(stack.legacy.connections()).toBe(0);
  });
});
