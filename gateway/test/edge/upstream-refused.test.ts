import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { edgeTable } from './edge-table';
import { send } from '../kit/http-client';

/** A port that was just free: nothing listens there, so connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('an upstream that refuses connections', () => {
  let legacy: TestUpstream;
  let gw: RunningGateway;
  beforeEach(async () => {
    legacy = await startUpstream();
    gw = await startGateway(edgeTable(legacy.url, await closedPortUrl()));
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
  });

  it('→ 502 problem+json with type, title, status, detail and requestId', async () => {
    const res = await send(gw.port, '/api/products/1', { headers: { 'x-request-id': 'refused-1' } });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-request-id']).toBe('refused-1');
    const problem = res.json();
    expect(problem).toMatchObject({ status: 502, requestId: 'refused-1' });
    for (const field of ['type', 'title', 'detail']) {
      expect(typeof problem[field]).toBe('string');
      expect(problem[field]).not.toBe('');
    }
  });

  it('the gateway stays up: the next requests are served, to both routes', async () => {
    expect((await send(gw.port, '/api/products/1')).status).toBe(502);
    expect((await send(gw.port, '/api/products/2', { method: 'POST', body: 'payload' })).status).toBe(502);
    const ok = await send(gw.port, '/elsewhere');
    expect(ok.status).toBe(200);
    expect(legacy.seen.map((s) => s.url)).toEqual(['/elsewhere']);
    expect((await send(gw.port, '/api/products/3')).status).toBe(502);
  });
});
