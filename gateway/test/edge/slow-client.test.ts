import net from 'node:net';
import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

/** Slowloris: a client that never finishes its headers must not hold a connection forever. */
describe('a client that never finishes its headers', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({ limits: { headersTimeoutMs: 300 } });
  });
  afterEach(() => stack.close());

  it('→ 408 problem+json and the connection closed, nothing forwarded', async () => {
    const res = await rawRequest(stack.port, 'GET /api/products/1 HTTP/1.1\r\nHost: gw\r\nX-Partial: 1\r\n', 5_000);
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.closed).toBe(true);
    expect(stack.fresh.connections()).toBe(0);
  });

  it('trickling header bytes does not extend the deadline', async () => {
    const socket = net.connect(stack.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET /x HTTP/1.1\r\nHost: gw\r\n');
    let n = 0;
    const drip = setInterval(() => {
      if (socket.writable) socket.write(`X-Drip-${n++}: 1\r\n`);
    }, 50);
    const guard = setTimeout(() => socket.destroy(), 5_000);
    await closed;
    clearInterval(drip);
    clearTimeout(guard);
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('a client that finishes in time is served', async () => {
    const res = await rawRequest(stack.port, 'GET /x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
