import type http from 'node:http';
import request from 'supertest';
import { createAdminServer } from '../../src/control/admin-api';
import { ControlService } from '../../src/control/control';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import type { Control, RouteList } from '../../src/control/types';
import { silentLogger } from '../../src/observability/logger';
import { tableFor } from '../kit/gateway';

const TOKEN = 'admin-test-token-0123456789';
const AUTH = `Bearer ${TOKEN}`;

const table = tableFor({ legacy: 'http://127.0.0.1:9', catalog: 'http://127.0.0.1:10' }, [
  { id: 'products', path: '/api/products/*', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
  { id: 'orders', path: '/api/orders/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
]);

let store: StateStore;
let control: ControlService;
let server: http.Server;
const logger = silentLogger();

beforeEach(async () => {
  store = openStateStore('sqlite::memory:');
  await store.migrate();
  control = new ControlService({ store, baseline: () => table });
  server = createAdminServer({ control, token: TOKEN, logger });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await store.close();
});

const api = () => request(server);
const flip = (id: string, body: object, headers: Record<string, string> = {}) =>
  api().post(`/admin/routes/${id}/flip`).set({ Authorization: AUTH, ...headers }).send(body);
const rollback = (id: string, body: object = {}, headers: Record<string, string> = {}) =>
  api().post(`/admin/routes/${id}/rollback`).set({ Authorization: AUTH, ...headers }).send(body);
const routes = async (): Promise<RouteList> => (await api().get('/admin/routes').set('Authorization', AUTH).expect(200)).body as RouteList;
const history = async () => (await api().get('/admin/history').set('Authorization', AUTH).expect(200)).body as unknown[];

function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toMatchObject({ type: `urn:strangler:problem:${code}`, status });
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
}

describe('admin API: reads', () => {
  it('GET /admin/routes lists the routes with the version as ETag, never cached', async () => {
    const res = await api().get('/admin/routes').set('Authorization', AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe('"0"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.version).toBe(0);
    expect(res.body.routes).toContainEqual(
      expect.objectContaining({ id: 'products', state: { mode: 'legacy' }, source: 'routes.json', legacy: 'legacy', new: 'catalog' }),
    );
  });

  it('GET /admin/routes/explain names the winning route; since defaults to 24 h ago; a bad since or no path is 400', async () => {
    const before = Date.now();
    const res = await api().get('/admin/routes/explain').query({ method: 'GET', path: '/api/products/1' }).set('Authorization', AUTH);
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.route.id).toBe('products');
    // 24 h before the moment the API answered, which lies between the two readings.
    const since = Date.parse(res.body.since);
    expect(since).toBeGreaterThanOrEqual(before - 24 * 3600_000);
    expect(since).toBeLessThanOrEqual(after - 24 * 3600_000);
    const given = await api().get('/admin/routes/explain').query({ path: '/api/orders/1', since: '2024-01-02T03:04:05Z' }).set('Authorization', AUTH);
    expect(given.body).toMatchObject({ method: 'GET', since: '2024-01-02T03:04:05.000Z', route: { id: 'orders' } });
    expectProblem(await api().get('/admin/routes/explain').query({ path: '/x', since: 'yesterday' }).set('Authorization', AUTH), 400, 'invalid-request');
    expectProblem(await api().get('/admin/routes/explain').set('Authorization', AUTH), 400, 'invalid-request');
  });

  it('GET /admin/history filters by route and limit, newest first; a bad limit or unknown parameter is 400', async () => {
    await flip('products', { to: 'shadow', reason: 'compare' }).expect(201);
    await flip('orders', { to: 'shadow', reason: 'compare' }).expect(201);
    await flip('products', { to: 'canary', percent: 5, reason: 'start' }).expect(201);
    const all = await history();
    expect(all.map((e) => (e as { version: number }).version)).toEqual([3, 2, 1]);
    const products = await api().get('/admin/history').query({ route: 'products', limit: '1' }).set('Authorization', AUTH).expect(200);
    expect(products.body).toEqual([expect.objectContaining({ routeId: 'products', version: 3, to: { mode: 'canary', percent: 5 } })]);
    expectProblem(await api().get('/admin/history').query({ limit: 'lots' }).set('Authorization', AUTH), 400, 'invalid-request');
    expectProblem(await api().get('/admin/history').query({ limit: '0' }).set('Authorization', AUTH), 400, 'invalid-request');
    expectProblem(await api().get('/admin/history').query({ route: 'nope' }).set('Authorization', AUTH), 404, 'unknown-route');
    expectProblem(await api().get('/admin/history').query({ all: '1' }).set('Authorization', AUTH), 400, 'invalid-request');
  });

  it('an unknown path is a 404 problem (after authentication: unauthenticated callers learn nothing)', async () => {
    expectProblem(await api().get('/admin/nothing').set('Authorization', AUTH), 404, 'not-found');
    expectProblem(await api().get('/').set('Authorization', AUTH), 404, 'not-found');
    expectProblem(await api().get('/admin/nothing'), 401, 'unauthorized');
  });
});

describe('admin API: changes', () => {
  it('walks a route legacy → shadow → canary → new → retired, each answer 201 with the new version as ETag', async () => {
    const steps = [{ mode: 'shadow' }, { mode: 'canary', percent: 12.5 }, { mode: 'new' }, { mode: 'retired' }];
    for (const [i, { mode, percent }] of steps.entries()) {
      const res = await flip('products', { to: mode, percent, reason: `step ${i + 1}` });
      expect(res.status).toBe(201);
      expect(res.headers['etag']).toBe(`"${i + 1}"`);
      expect(res.body).toMatchObject({ version: i + 1, entry: { routeId: 'products', action: 'flip', to: steps[i], reason: `step ${i + 1}` } });
    }
    const list = await routes();
    expect(list.routes.find((r) => r.id === 'products')).toMatchObject({ state: { mode: 'retired' }, source: { version: 4 } });
  });

  it('records via as "admin-api <client address>" and the actor as given, else admin-token', async () => {
    await flip('products', { to: 'shadow', reason: 'compare' }).expect(201);
    await flip('orders', { to: 'shadow', reason: 'compare', actor: 'alice' }).expect(201);
    const [named, anonymous] = (await history()) as { via: string; actor: string }[];
    expect(named).toMatchObject({ actor: 'alice', via: 'admin-api 127.0.0.1' });
    expect(anonymous).toMatchObject({ actor: 'admin-token', via: 'admin-api 127.0.0.1' });
  });

  it('a flip then a rollback restore the exact previous state seen by GET /admin/routes', async () => {
    const initial = await routes();
    await flip('products', { to: 'shadow', reason: 'compare' }).expect(201);
    expect((await routes()).routes).not.toEqual(initial.routes);
    const undo = await rollback('products', { reason: 'errors up' });
    expect(undo.status).toBe(201);
    expect(undo.headers['etag']).toBe('"2"');
    expect(undo.body.entry).toMatchObject({ action: 'rollback', from: { mode: 'shadow' }, to: { mode: 'legacy' }, undoes: 1, reason: 'errors up' });
    const after = await routes();
    expect(after.version).toBe(2);
    expect(after.routes).toEqual(initial.routes);
    expect(after.orphans).toEqual(initial.orphans);
    expectProblem(await rollback('products'), 409, 'nothing-to-roll-back');
  });

  it('repeated rollbacks walk back one change at a time to routes.json', async () => {
    const initial = await routes();
    await flip('products', { to: 'shadow', reason: 'compare' }).expect(201);
    const shadowed = await routes();
    await flip('products', { to: 'canary', percent: 10, reason: 'start' }).expect(201);
    const undo = await rollback('products');
    expect(undo.body.entry).toMatchObject({ action: 'rollback', from: { mode: 'canary', percent: 10 }, to: { mode: 'shadow' }, undoes: 2 });
    // Same state; its source is now the rollback that set it (version 3), not the original flip.
    const stateOf = (l: RouteList) => l.routes.map((r) => [r.id, r.state]);
    expect(stateOf(await routes())).toEqual(stateOf(shadowed));
    await rollback('products').expect(201);
    expect((await routes()).routes).toEqual(initial.routes);
  });

  it('an illegal move is 422 and names the allowed next steps; an unknown route is 404', async () => {
    const res = await flip('products', { to: 'new', reason: 'skip ahead' });
    expectProblem(res, 422, 'illegal-move');
    expect(res.body.allowed).toEqual(['shadow']);
    expect(res.body.detail).toContain('allowed next: shadow');
    expectProblem(await flip('ghost', { to: 'shadow', reason: 'x' }), 404, 'unknown-route');
    expect((await routes()).version).toBe(0);
  });

  it('If-Match: a current version (quoted or bare) passes, a stale one is 409, a malformed one is 400', async () => {
    const first = await flip('products', { to: 'shadow', reason: 'a' }, { 'If-Match': '"0"' });
    expect(first.status).toBe(201);
    const stale = await flip('orders', { to: 'shadow', reason: 'b' }, { 'If-Match': '"0"' });
    expectProblem(stale, 409, 'stale-version');
    expect(stale.body.current).toBe(1);
    await flip('orders', { to: 'shadow', reason: 'b' }, { 'If-Match': '1' }).expect(201);
    expectProblem(await rollback('orders', {}, { 'If-Match': '"1"' }), 409, 'stale-version');
    for (const bad of ['W/"2"', 'two', '"2", "3"', '']) {
      expectProblem(await flip('orders', { to: 'canary', percent: 5, reason: 'c' }, { 'If-Match': bad }), 400, 'invalid-request');
    }
    expect((await routes()).version).toBe(2);
  });
});

describe('admin API: security', () => {
  it('refuses a request without a token: 401 with WWW-Authenticate: Bearer', async () => {
    const res = await api().get('/admin/routes');
    expectProblem(res, 401, 'unauthorized');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
    expectProblem(await api().get('/admin/routes').set('Authorization', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`), 401, 'unauthorized');
    expectProblem(await flip('products', { to: 'shadow', reason: 'x' }, { Authorization: '' }), 401, 'unauthorized');
  });

  it('refuses a wrong token (same length, shorter, longer, a prefix): 401, and nothing changes', async () => {
    const wrong = [TOKEN.replace(/.$/, 'X'), 'short', `${TOKEN}0`, TOKEN.slice(0, -1)];
    for (const token of wrong) {
      const res = await flip('products', { to: 'shadow', reason: 'x' }, { Authorization: `Bearer ${token}` });
      expectProblem(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    }
    expect(await history()).toEqual([]);
  });

  it.each([['undefined', undefined], ['empty', ''], ['blank', '  ']])('with no token configured (%s) every request is refused, reads included', async (_name, token) => {
    const closed = createAdminServer({ control, token, logger });
    for (const req of [
      request(closed).get('/admin/routes'),
      request(closed).get('/admin/routes').set('Authorization', 'Bearer '),
      request(closed).get('/admin/routes').set('Authorization', `Bearer ${token ?? 'undefined'}`),
      request(closed).get('/admin/history').set('Authorization', AUTH),
      request(closed).post('/admin/routes/products/flip').set('Authorization', 'Bearer undefined').send({ to: 'shadow', reason: 'x' }),
    ]) {
      const res = await req;
      expectProblem(res, 503, 'admin-disabled');
      expect(res.body.detail).toBe('admin API disabled: set STRANGLER_ADMIN_TOKEN');
    }
    expect((await routes()).version).toBe(0);
  });

  it('refuses every request carrying a Cookie (or an Origin), even with the right token: no CSRF', async () => {
    expectProblem(await api().get('/admin/routes').set({ Authorization: AUTH, Cookie: 'session=abc' }), 403, 'browser-refused');
    expectProblem(await flip('products', { to: 'shadow', reason: 'x' }, { Cookie: 'session=abc' }), 403, 'browser-refused');
    expectProblem(await flip('products', { to: 'shadow', reason: 'x' }, { Origin: 'https://evil.example' }), 403, 'browser-refused');
    expect(await history()).toEqual([]);
  });

  it('accepts JSON bodies only: form, text and untyped bodies are 415', async () => {
    const base = () => api().post('/admin/routes/products/flip').set('Authorization', AUTH);
    expectProblem(await base().type('form').send('to=shadow&reason=x'), 415, 'unsupported-media-type');
    expectProblem(await base().set('Content-Type', 'text/plain').send('{"to":"shadow","reason":"x"}'), 415, 'unsupported-media-type');
    expectProblem(await base().set('Content-Type', 'multipart/form-data; boundary=x').send('--x--'), 415, 'unsupported-media-type');
    expectProblem(await api().post('/admin/routes/products/rollback').set('Authorization', AUTH), 415, 'unsupported-media-type');
    expectProblem(await base().set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).send('{}'), 415, 'unsupported-media-type');
    expect(await history()).toEqual([]);
  });

  it('refuses unknown keys, listing each with its path: a flip cannot carry a URL or upstream (no SSRF)', async () => {
    const res = await flip('products', { to: 'new', reason: 'x', url: 'http://169.254.169.254/', upstream: 'http://evil' });
    expectProblem(res, 400, 'invalid-request');
    expect(res.body.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'url' }), expect.objectContaining({ path: 'upstream' })]),
    );
    expect(res.body.detail).toContain('url');
    expect(await history()).toEqual([]);
  });

  it('a flip body cannot set the audit fields (id, version, at, from); bad types are listed by path too', async () => {
    const res = await flip('products', { to: 'shadow', reason: 'x', id: 1, version: 99, at: '2000-01-01T00:00:00Z', from: { mode: 'new' } });
    expectProblem(res, 400, 'invalid-request');
    expect((res.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['at', 'from', 'id', 'version']);
    const typed = await flip('products', { to: 'sideways', percent: 'ten', force: 'yes' });
    expect((typed.body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['force', 'percent', 'reason', 'to']);
    expectProblem(await rollback('products', { undoes: 3 }), 400, 'invalid-request');
    expectProblem(await flip('products', [{ to: 'shadow' }]), 400, 'invalid-request');
  });

  it('malformed JSON is 400 and a body over the small limit is 413', async () => {
    const base = () => api().post('/admin/routes/products/flip').set({ Authorization: AUTH, 'Content-Type': 'application/json' });
    expectProblem(await base().send('{"to": '), 400, 'invalid-request');
    expectProblem(await base().send(JSON.stringify({ to: 'shadow', reason: 'x'.repeat(20_000) })), 413, 'payload-too-large');
  });

  it('the audit log cannot be rewritten: no PUT/PATCH/DELETE anywhere, and history is unchanged after trying', async () => {
    await flip('products', { to: 'shadow', reason: 'compare' }).expect(201);
    const before = await history();
    const attempts = [
      [api().delete('/admin/history'), 405, 'GET, HEAD'],
      [api().put('/admin/history').send([]), 405, 'GET, HEAD'],
      [api().patch('/admin/history').send({ reason: 'rewritten' }), 405, 'GET, HEAD'],
      [api().put('/admin/routes').send({ version: 0 }), 405, 'GET, HEAD'],
      [api().delete('/admin/routes/products/flip'), 405, 'POST'],
      [api().get('/admin/routes/products/rollback'), 405, 'POST'],
      [api().delete('/admin/history/1'), 404, undefined],
      [api().patch('/admin/history/1').send({ reason: 'rewritten' }), 404, undefined],
    ] as const;
    for (const [req, status, allow] of attempts) {
      const res = await req.set('Authorization', AUTH);
      expectProblem(res, status, status === 405 ? 'method-not-allowed' : 'not-found');
      expect(res.headers['allow']).toBe(allow);
    }
    expect(await history()).toEqual(before);
  });

  it('logs every request with method, path, status and via, token never included', async () => {
    const info = jest.spyOn(logger, 'info');
    const warn = jest.spyOn(logger, 'warn');
    await api().get('/admin/routes').set('Authorization', AUTH).expect(200);
    await api().get('/admin/history').set('Authorization', 'Bearer wrong').expect(401);
    expect(info).toHaveBeenCalledWith('admin request', expect.objectContaining({ method: 'GET', path: '/admin/routes', status: 200, via: 'admin-api 127.0.0.1' }));
    expect(warn).toHaveBeenCalledWith('admin request refused', expect.objectContaining({ method: 'GET', path: '/admin/history', status: 401 }));
    expect(JSON.stringify([info.mock.calls, warn.mock.calls])).not.toContain(TOKEN);
  });

  it('an unexpected failure is a 500 problem without the stack or message, logged instead', async () => {
    const broken: Control = {
      list: () => Promise.reject(new Error('boom at /srv/secret/store.ts:12')),
      explain: (...a) => control.explain(...a),
      flip: (...a) => control.flip(...a),
      rollback: (...a) => control.rollback(...a),
      history: (...a) => control.history(...a),
      shadowReport: (...a) => control.shadowReport(...a),
    };
    const error = jest.spyOn(logger, 'error');
    const res = await request(createAdminServer({ control: broken, token: TOKEN, logger })).get('/admin/routes').set('Authorization', AUTH);
    expectProblem(res, 500, 'internal-error');
    expect(res.text).not.toContain('secret');
    expect(res.body.stack).toBeUndefined();
    expect(error).toHaveBeenCalledWith('admin API request failed', expect.objectContaining({ error: expect.stringContaining('secret') }));
  });
});
