import { openStateDb } from '../../src/control/store-db';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_ANSWERS } from '../../src/control/admin-answers';
import { createAdminServer } from '../../src/control/admin-api';
import { AdminApiError, AdminClient } from '../../src/control/admin-client';
import { ControlService } from '../../src/control/control';
import { openStateStore } from '../../src/control/state-store';
import { silentLogger } from '../../src/observability/logger';
import { ShadowStore } from '../../src/shadow/results-store';
import { twoRouteTable } from './stored-rows-kit';

/**
 * The admin client parses every answer with the schema the API's own types come from
 * (ADMIN_ANSWERS): a gateway of another version, or anything else on the port, that answers a
 * field of the wrong type is a clear error naming the field, never an object printed as undefined.
 */

const TOKEN = 'answers-test-token-0123456789';

/** A fake admin API: answers every request with success (201 to a POST, as flips and rollbacks get) and the given JSON (or text). */
async function fakeApi(body: unknown, type = 'application/json'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function failure(p: Promise<unknown>): Promise<AdminApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdminApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const view = { id: 'products', path: '/api/products/*', methods: null, state: { mode: 'shadow' }, source: { version: 1 }, legacy: 'legacy', new: 'catalog' };
const entry = { id: 1, version: 1, at: '2030-01-02T03:04:05.000Z', actor: 'a', via: 'cli', routeId: 'products', action: 'flip', from: { mode: 'legacy' }, to: { mode: 'shadow' }, reason: 'r', forced: false, undoes: null };

describe.each([
  ['list: a version that is a string', (c: AdminClient) => c.list(), { version: 'three', routes: [view], orphans: [] }, 'GET /admin/routes', /version: Invalid input: expected number, received string/],
  ['list: a mode this client does not know', (c: AdminClient) => c.list(), { version: 1, routes: [{ ...view, state: { mode: 'dark' } }], orphans: [] }, 'GET /admin/routes', /routes\[0\]\.state\.mode: Invalid option/],
  ['list: a field missing', (c: AdminClient) => c.list(), { version: 1, routes: [view] }, 'GET /admin/routes', /orphans: Invalid input: expected array/],
  ['history: an object instead of a list', (c: AdminClient) => c.history(), { entries: [entry] }, 'GET /admin/history', /\(root\): Invalid input: expected array/],
  ['history: forced as a string', (c: AdminClient) => c.history(), [{ ...entry, forced: 'no' }], 'GET /admin/history', /\[0\]\.forced: /],
  ['flip: a result without its entry', (c: AdminClient) => c.flip('products', { to: 'shadow', reason: 'r' }, 'cli'), { version: 2 }, 'POST /admin/routes/products/flip', /entry: /],
  ['explain: traffic counts as text', (c: AdminClient) => c.explain('GET', '/', new Date(0)), { method: 'GET', path: '/', version: 0, route: null, why: [], answer: 'x', since: 'x', traffic: [{ upstream: 'l', requests: '3', lastSeen: null }] }, 'GET /admin/routes/explain', /traffic\[0\]\.requests: /],
  ['shadow report: a match rate as text', (c: AdminClient) => c.shadowReport(undefined, new Date(0)), [{ routeId: 'p', matchRate: '99%' }], 'GET /admin/shadow/report', /\[0\]\.matchRate: /],
  ['any call: a page of HTML with status 200', (c: AdminClient) => c.list(), '<html>hello</html>', 'GET /admin/routes', /\(root\): Invalid input: expected object, received string/],
])('%s', (_what, call, body, request, field) => {
  it('is an AdminApiError naming the request and the field', async () => {
    const api = await fakeApi(body, typeof body === 'string' ? 'text/html' : 'application/json');
    try {
      const e = await failure(call(new AdminClient({ url: api.url, token: TOKEN })));
      expect(e).toMatchObject({ status: request.startsWith('POST') ? 201 : 200, code: 'unreadable-answer' });
      expect(e.message).toContain(`the admin API at ${api.url} answered ${request} with something this CLI cannot read`);
      expect(e.message).toMatch(field);
      expect(e.message).not.toContain(TOKEN);
    } finally {
      await api.close();
    }
  });
});

it('a long list of bad fields is cut to the first five', async () => {
  const api = await fakeApi({ version: 1, routes: Array.from({ length: 8 }, () => ({ ...view, id: 7 })), orphans: [] });
  try {
    const e = await failure(new AdminClient({ url: api.url, token: TOKEN }).list());
    expect(e.message).toMatch(/routes\[4\]\.id: .* \(and 3 more\)$/);
  } finally {
    await api.close();
  }
});

it("the real API's answers parse with the schemas (what the client reads is what the server sends)", async () => {
  const store = openStateStore('sqlite::memory:');
  await store.migrate();
  const control = new ControlService({ store, baseline: twoRouteTable, shadow: new ShadowStore(openStateDb('sqlite::memory:'), { ownsDb: true }) });
  const server = createAdminServer({ control, token: TOKEN, logger: silentLogger() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new AdminClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN });
  try {
    const flipped = await client.flip('products', { to: 'shadow', reason: 'observe' }, 'cli');
    expect(ADMIN_ANSWERS.flip.parse(flipped)).toEqual(flipped);
    expect(await client.list()).toEqual(await control.list());
    expect(await client.history()).toEqual(await control.history());
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  }
});
