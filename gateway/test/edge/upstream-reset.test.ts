import http from 'node:http';
import { rawRequest } from '../kit/raw';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { edgeTable } from './edge-table';
import { send } from '../kit/http-client';
import { startRawUpstream, type RawUpstream } from './probe-upstream';

/** A truncated answer must never look complete to the client. */
describe('an upstream that resets after sending its headers', () => {
  let legacy: TestUpstream;
  let fresh: RawUpstream;
  let gw: RunningGateway;
  beforeEach(async () => {
    legacy = await startUpstream();
    fresh = await startRawUpstream((head, socket) => {
      if (head.startsWith('GET /api/products/chunked')) {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
      } else if (head.startsWith('GET /api/products/length')) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello');
      } else {
        socket.write('HTTP/1.1 200 OK\r\n');
      }
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    gw = await startGateway(edgeTable(legacy.url, fresh.url));
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
    await fresh.close();
  });

  it('chunked answer: the client connection is cut, with no terminating chunk', async () => {
    const res = await rawRequest(gw.port, 'GET /api/products/chunked HTTP/1.1\r\nHost: gw\r\n\r\n', 3_000);
    expect(res.status).toBe(200);
    expect(res.closed).toBe(true);
    expect(res.body).toContain('hello');
    expect(res.body).not.toMatch(/\r\n0\r\n\r\n$/);
  });

  it('Content-Length answer: the client connection is cut short of the declared length', async () => {
    const res = await rawRequest(gw.port, 'GET /api/products/length HTTP/1.1\r\nHost: gw\r\n\r\n', 3_000);
    expect(res.closed).toBe(true);
    expect(Buffer.byteLength(res.body, 'latin1')).toBeLessThan(100);
  });

  it('a Node client sees an aborted response, not a complete one', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: gw.port, path: '/api/products/chunked', agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.complete ? 'complete' : 'incomplete'));
        res.on('error', () => resolve('error'));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', () => resolve('error'));
    });
    expect(outcome).not.toBe('complete');
  });

  it('a reset before the status line is complete → 502 problem+json', async () => {
    const res = await send(gw.port, '/api/products/half');
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });

  it('the gateway keeps serving afterwards', async () => {
    await rawRequest(gw.port, 'GET /api/products/chunked HTTP/1.1\r\nHost: gw\r\n\r\n', 3_000);
    expect((await send(gw.port, '/other')).status).toBe(200);
  });
});
