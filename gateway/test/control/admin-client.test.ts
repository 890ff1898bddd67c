import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminServer } from '../../src/control/admin-api';
import { AdminApiError, AdminClient } from '../../src/control/admin-client';
import { ControlService } from '../../src/control/control';
import { ControlError } from '../../src/control/errors';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import { silentLogger } from '../../src/observability/logger';
import { tableFor } from '../kit/gateway';

const TOKEN = 'client-test-token-9876543210';

const table = tableFor({ legacy: 'http://127.0.0.1:9', catalog: 'http://127.0.0.1:10' }, [
  { id: 'products', path: '/api/products/*', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
  { id: 'orders', path: '/api/orders/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
]);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The rejection of a promise, for assertions on its class and fields. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

let store: StateStore;
let control: ControlService;
let server: http.Server;
let url: string;
let client: AdminClient;

beforeEach(async () => {
  store = openStateStore('sqlite::memory:');
  await store.migrate();
  control = new ControlService({ store, baseline: () => table });
  server = createAdminServer({ control, token: TOKEN, logger: silentLogger() });
  url = await listen(server);
  client = new AdminClient({ url, token: TOKEN });
});
afterEach(async () => {
  await close(server);
  await store.close();
});

describe('AdminClient round trips', () => {
  it('list returns what the control lists', async () => {
    expect(await client.list()).toEqual(await control.list());
  });

  it('flip, history, rollback and explain go through the API and the audit records the API address as via', async () => {
    const flipped = await client.flip('products', { to: 'shadow', reason: 'compare', actor: 'bob' }, 'cli --url');
    expect(flipped).toMatchObject({ version: 1, entry: { routeId: 'products', action: 'flip', to: { mode: 'shadow' }, actor: 'bob', via: 'admin-api 127.0.0.1' } });
    const canary = await client.flip('products', { to: 'canary', percent: 2.5, reason: 'start' }, 'cli --url', 1);
    expect(canary.entry.to).toEqual({ mode: 'canary', percent: 2.5 });
    expect((await client.list()).routes.find((r) => r.id === 'products')?.state).toEqual({ mode: 'canary', percent: 2.5 });

    const history = await client.history('products', 1);
    expect(history).toEqual([canary.entry]);
    expect((await client.history()).map((e) => e.version)).toEqual([2, 1]);

    const undone = await client.rollback('products', {}, 'cli --url', 2);
    expect(undone.entry).toMatchObject({ action: 'rollback', undoes: 2, to: { mode: 'shadow' } });
    expect((await client.list()).routes.find((r) => r.id === 'products')?.state).toEqual({ mode: 'shadow' });

    const since = new Date('2024-05-06T07:08:09.000Z');
    const explained = await client.explain('get', '/api/products/42', since);
    expect(explained).toEqual(await control.explain('get', '/api/products/42', since));
    expect(explained).toMatchObject({ method: 'GET', since: since.toISOString(), route: { id: 'products', state: { mode: 'shadow' } } });
  });

  it('sends only the declared fields of a flip, so extra properties on the object never reach the strict API', async () => {
    const request = Object.assign({ to: 'shadow' as const, reason: 'compare' }, { url: 'http://evil' });
    await expect(client.flip('orders', request, 'cli')).resolves.toMatchObject({ version: 1 });
  });
});

describe('AdminClient errors', () => {
  it('a stale If-Match becomes ControlError stale-version with the current version', async () => {
    await client.flip('products', { to: 'shadow', reason: 'a' }, 'cli');
    const e = await failure(client.flip('orders', { to: 'shadow', reason: 'b' }, 'cli', 0));
    expect(e).toBeInstanceOf(ControlError);
    expect(e).toMatchObject({ code: 'stale-version', status: 409, details: { current: 1 } });
    expect((e as Error).message).toContain('version 1');
    await expect(client.rollback('products', {}, 'cli', 0)).rejects.toMatchObject({ code: 'stale-version' });
  });

  it('control refusals keep their code, message (the problem detail) and details', async () => {
    const illegal = await failure(client.flip('products', { to: 'retired', reason: 'skip' }, 'cli'));
    expect(illegal).toBeInstanceOf(ControlError);
    expect(illegal).toMatchObject({ code: 'illegal-move', details: { allowed: ['shadow'] } });
    expect((illegal as Error).message).toContain('allowed next: shadow');
    await expect(client.flip('ghost', { to: 'shadow', reason: 'x' }, 'cli')).rejects.toMatchObject({ code: 'unknown-route' });
    await expect(client.rollback('orders', {}, 'cli')).rejects.toMatchObject({ code: 'nothing-to-roll-back' });
    await expect(client.flip('orders', { to: 'canary', reason: 'x' }, 'cli')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(client.explain('GET', '/a/%2f/b', new Date())).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('a wrong token or a disabled API is an AdminApiError naming the status, and the token is not in it', async () => {
    const wrong = await failure(new AdminClient({ url, token: 'nope' }).list());
    expect(wrong).toBeInstanceOf(AdminApiError);
    expect(wrong).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((wrong as Error).message).toMatch(/401/);

    const closed = createAdminServer({ control, token: undefined, logger: silentLogger() });
    const closedUrl = await listen(closed);
    try {
      const disabled = await failure(new AdminClient({ url: closedUrl, token: TOKEN }).history());
      expect(disabled).toMatchObject({ status: 503, code: 'admin-disabled' });
      expect((disabled as Error).message).toContain('admin API disabled: set STRANGLER_ADMIN_TOKEN');
      expect(JSON.stringify(disabled)).not.toContain(TOKEN);
    } finally {
      await close(closed);
    }
  });

  it('connection refused becomes ControlError store-unavailable naming the URL, without the axios config', async () => {
    const gone = http.createServer();
    const goneUrl = await listen(gone);
    await close(gone);
    const e = await failure(new AdminClient({ url: goneUrl, token: TOKEN }).list());
    expect(e).toBeInstanceOf(ControlError);
    expect(e).toMatchObject({ code: 'store-unavailable' });
    expect((e as Error).message).toMatch(new RegExp(`^cannot reach the admin API at ${goneUrl.replace(/\./g, '\\.')}: ECONNREFUSED`));
    expect(JSON.stringify(e)).not.toContain(TOKEN);
  });

  it('an API that does not answer in time is store-unavailable too', async () => {
    const silent = http.createServer(() => undefined);
    const silentUrl = await listen(silent);
    try {
      const e = await failure(new AdminClient({ url: silentUrl, token: TOKEN, timeoutMs: 150 }).list());
      expect(e).toMatchObject({ code: 'store-unavailable' });
      expect((e as Error).message).toContain('timeout');
    } finally {
      await close(silent);
    }
  });

  it('an answer that is not a problem becomes an AdminApiError naming the status', async () => {
    const proxy = http.createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    });
    const proxyUrl = await listen(proxy);
    try {
      const e = await failure(new AdminClient({ url: proxyUrl, token: TOKEN }).list());
      expect(e).toBeInstanceOf(AdminApiError);
      expect(e).toMatchObject({ status: 502, code: null });
      expect((e as Error).message).toBe('admin API answered HTTP 502 Bad Gateway');
    } finally {
      await close(proxy);
    }
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new AdminClient({ url: 'file:///etc/passwd', token: TOKEN })).toThrow(/http or https/);
  });
});
