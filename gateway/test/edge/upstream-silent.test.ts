import http from 'node:http';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { edgeTable } from './edge-table';
import { send } from '../kit/http-client';
import { startProbeUpstream, type ProbeUpstream } from './probe-upstream';

describe('an upstream that accepts and stays silent', () => {
  let legacy: TestUpstream;
  let fresh: ProbeUpstream;
  let gw: RunningGateway;
  beforeEach(async () => {
    legacy = await startUpstream();
    fresh = await startProbeUpstream(); // never answers unless a test does
    gw = await startGateway(edgeTable(legacy.url, fresh.url, { fresh: { timeoutMs: 300 } }));
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
    await fresh.close();
  });

  it('→ 504 problem+json once the upstream timeout passes', async () => {
    const res = await send(gw.port, '/api/products/1');
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 504, type: 'urn:strangler:problem:upstream-timeout' });
    expect(typeof res.json().requestId).toBe('string');
  });

  it('gives up on the upstream request it timed out', async () => {
    await send(gw.port, '/api/products/1');
    expect(fresh.probes).toHaveLength(1);
    await new Promise<void>((r) => (fresh.probes[0]!.res.closed ? r() : fresh.probes[0]!.res.once('close', () => r())));
    expect(fresh.probes[0]!.aborted).toBe(true);
  });

  it('the gateway still serves other routes', async () => {
    expect((await send(gw.port, '/api/products/1')).status).toBe(504);
    expect((await send(gw.port, '/other')).status).toBe(200);
  });

  it('a slow upload is not mistaken for a silent upstream: the timeout starts once the request is sent', async () => {
    // timeoutMs is "time allowed for the upstream to start answering once the request is sent".
    // The client takes longer than that to send its body; the upstream answers as soon as it ends.
    const answerWhenBodyEnds = setInterval(() => {
      const p = fresh.probes[0];
      if (p && (p.ended || p.aborted)) {
        clearInterval(answerWhenBodyEnds);
        if (p.ended && !p.res.writableEnded) p.res.end('stored');
      }
    }, 10);
    let drip: NodeJS.Timeout | undefined;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: gw.port, path: '/api/products/upload', method: 'POST', agent: false, headers: { 'content-length': '6' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            clearInterval(drip);
            resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('error', (e) => {
        clearInterval(drip);
        reject(e);
      });
      let sent = 0;
      drip = setInterval(() => {
        req.write('x');
        if (++sent === 6) {
          clearInterval(drip);
          req.end();
        }
      }, 100);
    });
    clearInterval(answerWhenBodyEnds);
    clearInterval(drip);
    expect(status).toBe(200);
  });
});
