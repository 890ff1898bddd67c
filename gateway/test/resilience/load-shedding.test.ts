import http from 'node:http';
import { LoadShedder } from '../../src/resilience/shedder';
import { SheddingSchema } from '../../src/config/resilience-schema';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { send } from '../edge/http-client';
import { startResilienceGateway, until, type ResilienceStack } from './stack';

describe('the load shedder', () => {
  it('refuses beyond the in-flight limit or the event-loop delay, and admits again once they drop', () => {
    let delay = 0;
    const shedder = new LoadShedder(() => delay);
    const config = SheddingSchema.parse({ maxInFlight: 2, maxEventLoopDelayMs: 100 });
    const a = shedder.admit(config);
    const b = shedder.admit(config);
    expect(shedder.admit(config)).toEqual({ ok: false, reason: 'in-flight' });
    if (a.ok) a.done();
    if (a.ok) a.done(); // twice is harmless
    expect(shedder.active).toBe(1);
    delay = 150;
    expect(shedder.admit(config)).toEqual({ ok: false, reason: 'event-loop-delay' });
    delay = 20;
    expect(shedder.admit(config).ok).toBe(true);
    expect(b.ok).toBe(true);
  });
});

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
    await until(() => held.length === 2);
    const shed = await send(gw.port, '/c');
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toMatchObject({ type: 'urn:strangler:problem:overloaded' });
    expect((await send(gw.port, '/healthz')).status).toBe(200);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/a', '/b']);

    for (const res of held.splice(0)) res.end('done');
    await Promise.all(busy);
    const next = send(gw.port, '/d');
    await until(() => held.length === 1);
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
    await until(() => held.length === 1);
    held.shift()?.end('b');
    expect((await next).status).toBe(200);
  });
});
