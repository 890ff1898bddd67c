import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startUpstream } from '../kit/upstream';
import { json, pool, send, shadowTable, startShadowGateway, Stall, mirrorFixture } from './kit';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * A reloaded route table reaches the mirror too: the shadow connections of an upstream the new
 * table no longer has are closed (once their calls are answered) instead of staying open until the
 * gateway stops, and the table's `shadowing` limits apply from the reload on, without a restart.
 */

const fixture = mirrorFixture();
const { upstreams, gateways } = fixture;

/** A new side that keeps idle connections for a minute (and says so); counts the requests it served and the connections open now. */
async function lingeringSide(): Promise<{ url: string; served(): number; open(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    req.resume();
    req.on('end', () => json(res, { id: 1 }));
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const side = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  upstreams.push(side);
  return side;
}

it('a reload that moves the new side to another upstream closes the old one’s shadow connections; the copies go to the new one', async () => {
  const legacy = await startUpstream((_req, res) => json(res, { id: 1 }));
  upstreams.push(legacy);
  const before = await lingeringSide();
  const after = await lingeringSide();
  const shadow = { noiseSample: 0 };
  const { gw, outcomes } = await startShadowGateway(shadowTable(legacy.url, before.url, { shadow }));
  gateways.push(gw);

  await pool(6, 3, () => send(gw.url, '/products/1'));
  await eventually(() => outcomes.compared().length === 6);
  expect(before.open()).toBeGreaterThan(0);

  gw.gateway.swap(shadowTable(legacy.url, after.url, { shadow }));
  // The server would keep them for a minute: only the gateway can have closed them.
  await eventually(() => before.open() === 0);

  await pool(6, 3, () => send(gw.url, '/products/1'));
  await eventually(() => outcomes.compared().length === 12);
  expect([before.served(), after.served()]).toEqual([6, 6]);
  expect(before.open()).toBe(0);
  expect(after.open()).toBeGreaterThan(0);
});

it('a reload’s shadowing limits apply at once: a raised concurrency starts the waiting calls, a raised maxPending admits more', async () => {
  const legacy = await startUpstream((_req, res) => json(res, { id: 1 }));
  const stall = new Stall();
  const fresh = await startUpstream((_req, res) => stall.hold(() => json(res, { id: 1 })));
  upstreams.push(legacy, fresh);
  const table = (shadowing: { maxPending: number; concurrency: number }) => shadowTable(legacy.url, fresh.url, { shadowing, shadow: { noiseSample: 0, timeoutMs: 60_000 } });
  const { gw, outcomes } = await startShadowGateway(table({ maxPending: 2, concurrency: 1 }));
  gateways.push(gw);

  await pool(6, 1, () => send(gw.url, '/products/1'));
  await eventually(() => stall.held() === 1);
  expect(fixture.watch.tickets()).toBe(2);
  expect(outcomes.of('dropped')).toHaveLength(4);

  gw.gateway.swap(table({ maxPending: 10, concurrency: 10 }));
  // The admitted copy that waited for a call slot is sent without waiting for the first to end.
  await eventually(() => stall.held() === 2);

  await pool(6, 1, () => send(gw.url, '/products/1'));
  await eventually(() => stall.held() === 8);
  expect(fixture.watch.tickets()).toBe(8);
  expect(outcomes.of('dropped')).toHaveLength(4);

  stall.release();
  await eventually(() => outcomes.compared().length === 8);
});
