import net from 'node:net';
import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

const LIMIT = 1_024;

describe('request body limit', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({ limits: { maxBodyBytes: LIMIT } });
  });
  afterEach(() => stack.close());

  it('Content-Length above the limit → 413 problem+json before any upstream connection', async () => {
    const res = await rawRequest(stack.port, `POST /api/products HTTP/1.1\r\nHost: gw\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, type: 'urn:strangler:problem:payload-too-large' });
    expect(res.closed).toBe(true);
    expect(stack.fresh.connections()).toBe(0);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a huge declared Content-Length is refused the same way', async () => {
    const res = await rawRequest(stack.port, 'POST /x HTTP/1.1\r\nHost: gw\r\nContent-Length: 99999999999\r\n\r\nabc');
    expect(res.status).toBe(413);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a chunked body that grows past the limit → 413 and the connection closed', async () => {
    const chunk = 'x'.repeat(512);
    const chunks = Array.from({ length: 4 }, () => `${(512).toString(16)}\r\n${chunk}\r\n`).join('');
    const res = await rawRequest(
      stack.port,
      `POST /api/products HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
      3_000,
    );
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.closed).toBe(true);
    // Whatever the upstream was sent, it never received a complete request.
    expect(stack.fresh.seen).toHaveLength(0);
  });

  it('a chunked body that never ends but passes the limit is cut off', async () => {
    const socket = net.connect(stack.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('POST /x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n');
    const timer = setInterval(() => socket.writable && socket.write(`100\r\n${'y'.repeat(256)}\r\n`), 10);
    await closed;
    clearInterval(timer);
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
    expect(stack.legacy.seen).toHaveLength(0);
  });

  it('a body at the limit is forwarded intact', async () => {
    const body = 'z'.repeat(LIMIT);
    const res = await rawRequest(
      stack.port,
      `POST /api/products HTTP/1.1\r\nHost: gw\r\nContent-Length: ${LIMIT}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(res.status).toBe(200);
    expect(stack.fresh.seen[0]!.body.toString()).toBe(body);
  });
});
