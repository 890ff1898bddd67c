import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { edgeTable } from './edge-table';
import { startProbeUpstream, type ProbeUpstream } from './probe-upstream';
import { eventually } from '../../../platform/test-kit/eventually';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('pass-through bodies are streamed, not buffered', () => {
  let legacy: TestUpstream;
  let fresh: ProbeUpstream;
  let gw: RunningGateway;
  beforeEach(async () => {
    legacy = await startUpstream((_req, res, body) => {
      res.setHeader('x-body-sha256', sha256(body));
      res.end(String(body.length));
    });
    fresh = await startProbeUpstream();
    gw = await startGateway(edgeTable(legacy.url, fresh.url));
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
    await fresh.close();
  });

  it('a multi-MB chunked upload arrives intact (same sha256)', async () => {
    const payload = randomBytes(6 * 1024 * 1024 + 17);
    const answer = await new Promise<{ status: number; sha: string; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: gw.port, path: '/upload', method: 'PUT', agent: false, headers: { 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, sha: String(res.headers['x-body-sha256']), body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < payload.length; i += 64 * 1024) req.write(payload.subarray(i, i + 64 * 1024));
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(String(payload.length));
    expect(answer.sha).toBe(sha256(payload));
    expect(legacy.seen[0]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('the upstream sees the start of a body, and can answer, before the client has sent the rest', async () => {
    const client = http.request({
      host: '127.0.0.1',
      port: gw.port,
      path: '/api/products/upload',
      method: 'POST',
      agent: false,
      headers: { 'content-length': '2000' },
    });
    client.on('error', () => undefined);
    const responded = new Promise<http.IncomingMessage>((r) => client.on('response', r));
    const probe = fresh.nextRequest();
    client.write('a'.repeat(1000));
    const p = await probe;
    await eventually(() => p.bytes === 1000);
    expect(p.ended).toBe(false);

    // The upstream answers early; the answer reaches the client while its upload is unfinished.
    p.res.writeHead(200, { 'content-type': 'text/plain' });
    p.res.write('early ');
    const res = await responded;
    expect(res.statusCode).toBe(200);
    const firstBytes = await new Promise<string>((r) => res.once('data', (c: Buffer) => r(c.toString())));
    expect(firstBytes).toBe('early ');

    client.end('b'.repeat(1000));
    await eventually(() => p.ended);
    expect(p.bytes).toBe(2000);
    p.res.end('done');
    const rest = await new Promise<string>((r) => {
      let t = '';
      res.on('data', (c: Buffer) => (t += c.toString()));
      res.on('end', () => r(t));
    });
    expect(rest).toBe('done');
  });

  it('a response body is streamed to the client as the upstream produces it', async () => {
    const probe = fresh.nextRequest();
    const client = http.get({ host: '127.0.0.1', port: gw.port, path: '/api/products/stream', agent: false });
    client.on('error', () => undefined);
    const p = await probe;
    p.res.writeHead(200, { 'content-type': 'text/plain' });
    p.res.write('part-1;');
    const res = await new Promise<http.IncomingMessage>((r) => client.on('response', r));
    const first = await new Promise<string>((r) => res.once('data', (c: Buffer) => r(c.toString())));
    expect(first).toBe('part-1;');
    p.res.end('part-2');
    const rest = await new Promise<string>((r) => {
      let t = '';
      res.on('data', (c: Buffer) => (t += c.toString()));
      res.on('end', () => r(t));
    });
    expect(rest).toBe('part-2');
  });
});
