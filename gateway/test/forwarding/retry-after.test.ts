import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** An upstream's Retry-After: a short one is waited for, then retried; a long one is passed through untouched. */
describe("the upstream's Retry-After", () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  let retryAfter = '1';
  beforeEach(async () => {
    upstream = await startUpstream((_req, res) => {
      if (upstream.seen.length === 1) {
        res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'text/plain' });
        res.end('later');
      } else res.end('now');
    });
    gw = await startResilienceGateway({ app: { url: upstream.url, retry: { maxRetryAfterMs: 1_500 } } }, [legacyRoute('things', '/things/*', 'app')]);
  });
  afterEach(async () => {
    await gw.close();
    await upstream.close();
  });

  // How long the retry waits is the retry policy's, tested on a fake clock (policies/retry.test.ts);
  // here, that the upstream's header reaches it: a short one is retried, a long one is not.
  it('a short Retry-After is honoured: the request is tried again and the client gets the second answer', async () => {
    retryAfter = '1';
    const a = await send(gw.port, '/things/1');
    expect(a.text()).toBe('now');
    expect(upstream.seen).toHaveLength(2);
  });

  it('a 503 with a long Retry-After passes through rather than being retried', async () => {
    retryAfter = '120';
    const a = await send(gw.port, '/things/1');
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('120');
    expect(a.text()).toBe('later');
    expect(upstream.seen).toHaveLength(1);
  });
});
