import { startUpstream, type TestUpstream } from '../kit/upstream';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { send } from '../kit/http-client';
import { edgeTable } from './edge-table';
import { startRawUpstream, type RawUpstream } from './probe-upstream';
import { rawRequest } from '../kit/raw';

const HOP_BY_HOP_REQUEST = {
  'keep-alive': 'timeout=99, max=7',
  te: 'trailers',
  trailer: 'X-Checksum',
  upgrade: 'websocket',
  'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==',
  'proxy-connection': 'keep-alive',
};

describe('hop-by-hop headers, both ways', () => {
  let legacy: TestUpstream;
  let fresh: RawUpstream;
  let gw: RunningGateway;

  beforeEach(async () => {
    legacy = await startUpstream();
    // Answers with every hop-by-hop field it could, and names two of its own in Connection.
    fresh = await startRawUpstream((_head, socket) => {
      const body = 'ok';
      socket.write(
        'HTTP/1.1 200 OK\r\n' +
          'Connection: keep-alive, X-Internal-Route, x-debug-token\r\n' +
          'Keep-Alive: timeout=99, max=7\r\n' +
          'X-Internal-Route: db-7\r\n' +
          'X-Debug-Token: abc\r\n' +
          'Proxy-Authenticate: Basic realm="inner"\r\n' +
          'Proxy-Connection: keep-alive\r\n' +
          'Upgrade: h2c\r\n' +
          'TE: trailers\r\n' +
          'X-End-To-End: kept\r\n' +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    gw = await startGateway(edgeTable(legacy.url, fresh.url));
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
    await fresh.close();
  });

  it('strips hop-by-hop fields and every field named in Connection before the upstream', async () => {
    // Raw bytes: Node's client refuses to send some of these (Trailer without chunked).
    const res = await rawRequest(
      gw.port,
      'GET /somewhere HTTP/1.1\r\nHost: gw\r\n' +
        Object.entries(HOP_BY_HOP_REQUEST).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
        'Connection: close, X-Client-Secret, x-other\r\n' +
        'X-Client-Secret: hunter2\r\nX-Other: 1\r\nX-End-To-End: kept\r\n\r\n',
    );
    expect(res.status).toBe(200);
    const seen = legacy.seen[0]!;
    for (const name of [...Object.keys(HOP_BY_HOP_REQUEST), 'x-client-secret', 'x-other']) {
      expect(seen.headers[name]).toBeUndefined();
    }
    // Whatever Connection the upstream sees is the gateway's own hop, never the client's list.
    expect(String(seen.headers.connection ?? '')).not.toMatch(/secret|other|close/i);
    expect(seen.headers['x-end-to-end']).toBe('kept');
  });

  it('a request with Upgrade is forwarded as a plain request without it', async () => {
    const res = await rawRequest(
      gw.port,
      'GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(res.status).toBe(200);
    expect(legacy.seen).toHaveLength(1);
    expect(legacy.seen[0]!.headers.upgrade).toBeUndefined();
  });

  it('strips hop-by-hop fields and fields named in Connection from the upstream response', async () => {
    const res = await send(gw.port, '/api/products/1');
    expect(res.status).toBe(200);
    expect(res.text()).toBe('ok');
    expect(res.headers['x-internal-route']).toBeUndefined();
    expect(res.headers['x-debug-token']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['proxy-connection']).toBeUndefined();
    expect(res.headers.upgrade).toBeUndefined();
    expect(res.headers.te).toBeUndefined();
    // The gateway may add its own keep-alive for its own connection, never the upstream's.
    expect(String(res.headers['keep-alive'] ?? '')).not.toContain('timeout=99');
    expect(String(res.headers.connection ?? '')).not.toMatch(/internal|debug/i);
    expect(res.headers['x-end-to-end']).toBe('kept');
  });
});
