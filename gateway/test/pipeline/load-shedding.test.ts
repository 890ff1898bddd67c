import http from 'node:http';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../kit/http-client';
import { startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';
import { eventually } from '../../../platform/test-kit/eventually';

/** The shed stage, in front of the pipeline: past its limits new work is refused before routing, the ops endpoints still answer. */
describe('a gateway at its in-flight limit (2)', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  let delay = 0;
  const held: http.ServerResponse[] = [];
  beforeEach(async () => {
    delay = 0;
    upstream = await startUpstream((_req, res) => held.push(res));
    gw = await startResilienceGateway({ app: { url: upstream.url } }, [], {
      extra: { shedding: { maxInFlight: 2, maxEventLoopDelayMs: 100, retryAfterSeconds: 2 } },
      resilience: { eventLoopDelayMs: () => delay },
    });
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    await gw.close();
    await upstream.close();
  });

  it('sheds new work with 503 + Retry-After, keeps /healthz answering, and recovers', async () => {
    const busy = [send(gw.port, '/a'), send(gw.port, '/b')];
    await eventually(() => held.length === 2);
    const shed = await send(gw.port, '/c');
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toMatchObject({ type: 'urn:strangler:problem:overloaded' });
    expect((await send(gw.port, '/healthz')).status).toBe(200);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/a', '/b']);

    for (const res of held.splice(0)) res.end('done');
    await Promise.all(busy);
    const next = send(gw.port, '/d');
    await eventually(() => held.length === 1);
    held.shift()?.end('d');
    expect((await next).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    expect(metrics).toContain('strangler_resilience_events_total{event="shed",subject="in-flight"} 1');
  });

  it('sheds while the event loop lags, and recovers when it catches up', async () => {
    delay = 250;
    const shed = await send(gw.port, '/a');
    expect(shed.status).toBe(503);
    expect((await send(gw.port, '/healthz')).status).toBe(200);
    delay = 5;
    const next = send(gw.port, '/b');
    await eventually(() => held.length === 1);
    held.shift()?.end('b');
    expect((await next).status).toBe(200);
  });
});
