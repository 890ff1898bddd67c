import http from 'node:http';
import { startFaultProxy, type FaultProxy } from '../kit/fault-proxy';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** Once the answer's head has gone to the client, a reset cannot be retried: the client connection is cut instead. */
describe('an upstream that resets after its answer has begun', () => {
  let upstream: TestUpstream;
  let proxy: FaultProxy;
  let gw: ResilienceStack;
  beforeEach(async () => {
    upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    proxy = await startFaultProxy({ port: upstream.port });
    await proxy.set('reset-after-headers');
    gw = await startResilienceGateway({ app: { url: proxy.url } }, [legacyRoute('things', '/things/*', 'app')]);
  });
  afterEach(async () => {
    await gw.close();
    await proxy.close();
    await upstream.close();
  });

  it('is not retried, and the client sees an incomplete answer', async () => {
    const outcome = await new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: gw.port, path: '/things/1', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.complete ? 'complete' : 'incomplete'));
          res.on('error', () => resolve('error'));
          res.on('aborted', () => resolve('aborted'));
        })
        .on('error', () => resolve('error'));
    });
    expect(outcome).not.toBe('complete');
    expect(upstream.seen).toHaveLength(1);
  });
});
