import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import request from 'supertest';
import { createAdminServer } from '../../src/control/admin-api';
import { AdminClient } from '../../src/control/admin-client';
import { ControlService } from '../../src/control/control';
import { ControlError } from '../../src/control/errors';
import { KnexStateStore } from '../../src/control/state-store';
import { openStateDb } from '../../src/control/store-db';
import { silentLogger } from '../../src/observability/logger';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import { tableFor } from '../kit/gateway';
import { compared, diff } from '../shadow/outcomes';

/** The shadow report over the admin API and its client: GET /admin/shadow/report?route=&since=. */

const TOKEN = 'shadow-test-token-0123456789';
const AUTH = `Bearer ${TOKEN}`;
const table = tableFor({ legacy: 'http://127.0.0.1:9', catalog: 'http://127.0.0.1:10' }, [
  { id: 'products', path: '/api/products/*', methods: ['GET'], mode: 'shadow', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
  { id: 'orders', path: '/api/orders/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
]);

let db: Knex;
let server: http.Server;

beforeEach(async () => {
  // One database for route state and shadow results, as the gateway opens it.
  db = openStateDb('sqlite::memory:');
  const store = new KnexStateStore(db);
  const shadow = new ShadowStore(db);
  await store.migrate();
  await shadow.migrate();
  const rec = new ShadowRecorder({ store: shadow });
  for (let i = 0; i < 4; i++) rec.record(compared('products', i === 0 ? [diff('price')] : []));
  await rec.stop();
  server = createAdminServer({ control: new ControlService({ store, baseline: () => table, shadow }), token: TOKEN, logger: silentLogger() });
});
afterEach(async () => {
  await db.destroy();
});

it('answers every route with results, or one route (empty when it has none)', async () => {
  const all = await request(server).get('/admin/shadow/report').set('Authorization', AUTH).expect(200);
  expect(all.body).toEqual([expect.objectContaining({ routeId: 'products', compared: 4, matches: 3, matchRate: 0.75 })]);
  expect(all.body[0].fields).toEqual([expect.objectContaining({ path: 'price', kind: 'changed', raw: 1, real: true })]);
  const one = await request(server).get('/admin/shadow/report').query({ route: 'orders', since: '2000-01-01' }).set('Authorization', AUTH).expect(200);
  expect(one.body).toEqual([expect.objectContaining({ routeId: 'orders', compared: 0, matchRate: null, since: '2000-01-01T00:00:00.000Z' })]);
});

it('refuses an unknown route, a bad since, an unknown parameter and a missing token', async () => {
  const unknown = await request(server).get('/admin/shadow/report?route=nope').set('Authorization', AUTH);
  expect(unknown.status).toBe(404);
  expect(unknown.body.type).toBe('urn:strangler:problem:unknown-route');
  expect((await request(server).get('/admin/shadow/report?since=yesterday').set('Authorization', AUTH)).status).toBe(400);
  expect((await request(server).get('/admin/shadow/report?limit=3').set('Authorization', AUTH)).status).toBe(400);
  expect((await request(server).get('/admin/shadow/report')).status).toBe(401);
  expect((await request(server).post('/admin/shadow/report').set('Authorization', AUTH)).status).toBe(405);
});

it('without a shadow results store the report is unavailable (503)', async () => {
  const bare = createAdminServer({ control: new ControlService({ store: new KnexStateStore(db), baseline: () => table }), token: TOKEN, logger: silentLogger() });
  const res = await request(bare).get('/admin/shadow/report').set('Authorization', AUTH);
  expect(res.status).toBe(503);
  expect(res.body.type).toBe('urn:strangler:problem:store-unavailable');
});

it('AdminClient.shadowReport returns the same objects and the same refusals', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new AdminClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN });
    const [report] = await client.shadowReport('products', new Date(Date.now() - 3_600_000));
    expect(report).toMatchObject({ routeId: 'products', compared: 4, matches: 3 });
    await expect(client.shadowReport('nope', new Date())).rejects.toEqual(expect.objectContaining({ code: 'unknown-route' }));
    await expect(client.shadowReport('nope', new Date())).rejects.toBeInstanceOf(ControlError);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
