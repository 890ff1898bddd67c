import http from 'node:http';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** Whatever maxRetries says, the retry budget bounds what a failing upstream receives through the gateway. */
describe('a 100% failing upstream under 1,000 requests', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  beforeAll(async () => {
    upstream = await startUpstream((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    // The breaker is off so that every request reaches the retry decision: only the budget holds.
    gw = await startResilienceGateway(
      { app: { url: upstream.url, breaker: { enabled: false }, retry: { maxRetries: 3, baseMs: 1, capMs: 2 } } },
      [legacyRoute('things', '/things/*', 'app')],
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('receives at most 1.2× the requests plus the minimum (10/s over 10 s)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const one = () =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: gw.port, path: '/things/1', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    const statuses = await Promise.all(Array.from({ length: 1_000 }, one));
    agent.destroy();
    expect(statuses.every((s) => s === 503)).toBe(true);
    expect(upstream.seen.length).toBeGreaterThan(1_000);
    expect(upstream.seen.length).toBeLessThanOrEqual(1.2 * 1_000 + 100);
  });
});
