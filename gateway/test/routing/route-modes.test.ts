import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from '../../src/config/table';
import { applyOverlay } from '../../src/control/overlay';
import { startGateway, tableFor, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';

/**
 * Route modes through the real gateway (issue 5): who answers in each mode, canary stickiness by
 * header, cookie and client address, the force header, and retired routes never reaching legacy.
 */

type Side = 'legacy' | 'new' | 'monolith';

/** Each upstream answers its own name, so the body says who answered. */
const named =
  (name: Side): UpstreamHandler =>
  (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(name);
  };

interface Answer {
  readonly status: number;
  readonly body: string;
}

function request(port: number, path: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(8_000, () => req.destroy(new Error(`no answer to ${path} in time`)));
    req.on('error', reject);
    req.end();
  });
}

/** Who answered a GET: the body of a 200, else a failure. */
async function sideOf(port: number, path: string, headers: http.OutgoingHttpHeaders = {}, agent?: http.Agent): Promise<Side> {
  const a = await request(port, path, { headers, ...(agent ? { agent } : {}) });
  if (a.status !== 200 || !['legacy', 'new', 'monolith'].includes(a.body)) throw new Error(`unexpected answer ${a.status} ${a.body.slice(0, 200)}`);
  return a.body as Side;
}

async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const SIDES = { legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' } };

interface Upstreams {
  monolith: TestUpstream;
  legacy: TestUpstream;
  fresh: TestUpstream;
  close(): Promise<void>;
}

async function startUpstreams(freshHandler: UpstreamHandler = named('new')): Promise<Upstreams> {
  const monolith = await startUpstream(named('monolith'));
  const legacy = await startUpstream(named('legacy'));
  const fresh = await startUpstream(freshHandler);
  return { monolith, legacy, fresh, close: async () => void (await Promise.all([monolith.close(), legacy.close(), fresh.close()])) };
}

/** The catch-all (added by tableFor) goes to `monolith`, so `legacy.seen` counts only the routes under test. */
function table(u: { monolith: TestUpstream; legacy: TestUpstream; fresh: TestUpstream | string }, routes: unknown[], extra: Record<string, unknown> = {}): RouteTable {
  const fresh = typeof u.fresh === 'string' ? u.fresh : u.fresh.url;
  // Tests here count every request new receives while it fails: its circuit must not open (the breaker has tests of its own).
  const upstreams = { monolith: { url: u.monolith.url }, legacy: { url: u.legacy.url }, fresh: { url: fresh, breaker: { enabled: false } } };
  return tableFor({ monolith: u.monolith.url, legacy: u.legacy.url, fresh }, routes, { upstreams, ...extra });
}

const stranglerHeaders = (seen: TestUpstream) => seen.seen.flatMap((r) => Object.keys(r.headers).filter((h) => h.startsWith('x-strangler-')));

describe('who answers in each mode', () => {
  let u: Upstreams;
  let gw: RunningGateway;
  beforeAll(async () => {
    u = await startUpstreams();
    gw = await startGateway(
      table(u, [
        { id: 'in-legacy', path: '/legacy/*', mode: 'legacy', ...SIDES },
        { id: 'in-shadow', path: '/shadow/*', mode: 'shadow', ...SIDES },
        { id: 'in-new', path: '/new/*', mode: 'new', ...SIDES },
        { id: 'in-retired', path: '/retired/*', mode: 'retired', ...SIDES },
      ]),
    );
  });
  afterAll(async () => {
    await gw.close();
    await u.close();
  });

  it.each([
    ['legacy', '/legacy/x', 'legacy'],
    ['shadow', '/shadow/x', 'legacy'],
    ['new', '/new/x', 'new'],
    ['retired', '/retired/x', 'new'],
  ] as const)('mode %s is answered by %s', async (_mode, path, expected) => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const a = await request(gw.port, path, { method });
      expect(a).toEqual({ status: 200, body: expected });
    }
  });
});

describe('canary stickiness through the gateway', () => {
  let u: Upstreams;
  const gateways: RunningGateway[] = [];
  const start = async (t: RouteTable) => {
    const gw = await startGateway(t);
    gateways.push(gw);
    return gw;
  };
  beforeAll(async () => {
    u = await startUpstreams();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });
  afterAll(() => u.close());

  const canaryRoute = (percent: number, canary: Record<string, unknown>) => ({ id: 'products', path: '/api/products/*', mode: 'canary', canary: { percent, ...canary }, ...SIDES });

  it('stickyBy header: the same header value lands on the same upstream over many requests; both sides get users', async () => {
    const gw = await start(table(u, [canaryRoute(50, { stickyBy: 'header', key: 'X-User' })]));
    const sides = new Map<string, Set<Side>>();
    for (let round = 0; round < 5; round++) {
      for (let user = 0; user < 40; user++) {
        const side = await sideOf(gw.port, `/api/products/${round}`, { 'x-user': `user-${user}` });
        const seen = sides.get(`user-${user}`) ?? new Set<Side>();
        seen.add(side);
        sides.set(`user-${user}`, seen);
      }
    }
    const flapping = [...sides].filter(([, s]) => s.size !== 1).map(([k]) => k);
    expect(flapping).toEqual([]);
    const onNew = [...sides.values()].filter((s) => s.has('new')).length;
    // 40 users at 50%: all on one side has probability 2^-39.
    expect(onNew).toBeGreaterThan(0);
    expect(onNew).toBeLessThan(40);
    expect(u.legacy.seen.length + u.fresh.seen.length).toBeGreaterThanOrEqual(200);
  });

  /**
   * 10,000 distinct keys at 10%: the number on new is binomial(10,000, 0.1), whose sd is
   * sqrt(10,000 × 0.1 × 0.9) = 30 keys = 0.3 points; ±1.5 points is five sd.
   */
  it('at 10%, about 10% of 10,000 distinct keys go to new (±1.5 points)', async () => {
    const gw = await start(table(u, [canaryRoute(10, { stickyBy: 'header', key: 'x-user' })]));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    try {
      let onNew = 0;
      const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
      for (let i = 0; i < keys.length; i += 64) {
        const batch = keys.slice(i, i + 64);
        const sides = await Promise.all(batch.map((k) => sideOf(gw.port, '/api/products/1', { 'x-user': k }, agent)));
        onNew += sides.filter((s) => s === 'new').length;
      }
      const share = onNew / 100;
      expect(share).toBeGreaterThan(8.5);
      expect(share).toBeLessThan(11.5);
    } finally {
      agent.destroy();
    }
  }, 60_000);

  it('raising 10% → 20% (a table swap, as a flip does) moves no key from new back to legacy', async () => {
    const baseline = table(u, [canaryRoute(10, { stickyBy: 'header', key: 'x-user' })]);
    const gw = await start(baseline);
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const before = new Map<string, Side>();
    for (const user of users) before.set(user, await sideOf(gw.port, '/api/products/1', { 'x-user': user }));

    const { table: raised, skipped } = applyOverlay(baseline, { version: 1, overlay: { products: { mode: 'canary', percent: 20, version: 1 } } });
    expect(skipped).toEqual([]);
    gw.gateway.swap(raised);

    const movedBack: string[] = [];
    let added = 0;
    for (const user of users) {
      const after = await sideOf(gw.port, '/api/products/1', { 'x-user': user });
      if (before.get(user) === 'new' && after === 'legacy') movedBack.push(user);
      if (before.get(user) === 'legacy' && after === 'new') added++;
    }
    expect(movedBack).toEqual([]);
    // About 10% of 400 = 40 users join new; at least some do.
    expect(added).toBeGreaterThan(10);
    expect([...before.values()].filter((s) => s === 'new').length).toBeGreaterThan(10);
  });

  it('stickyBy cookie: the same cookie value lands on the same upstream, whatever else the cookie header holds', async () => {
    const gw = await start(table(u, [canaryRoute(50, { stickyBy: 'cookie', key: 'uid' })]));
    const perUser = new Map<number, Set<Side>>();
    for (let user = 0; user < 40; user++) {
      const seen = new Set<Side>();
      seen.add(await sideOf(gw.port, '/api/products/1', { cookie: `uid=${user}` }));
      seen.add(await sideOf(gw.port, '/api/products/2', { cookie: `theme=dark; uid=${user}; lang=en` }));
      seen.add(await sideOf(gw.port, '/api/products/3', { cookie: `uid=${user}; other=${Math.random()}` }));
      perUser.set(user, seen);
    }
    expect([...perUser].filter(([, s]) => s.size !== 1).map(([k]) => k)).toEqual([]);
    const onNew = [...perUser.values()].filter((s) => s.has('new')).length;
    expect(onNew).toBeGreaterThan(0);
    expect(onNew).toBeLessThan(40);
  });

  it('stickyBy client: the same client address lands on the same upstream, whatever headers it sends', async () => {
    // The gateway believes X-Forwarded-For from 127.0.0.1, so each test request can be a different client.
    const gw = await start(table(u, [canaryRoute(50, { stickyBy: 'client' })], { trustedProxies: ['127.0.0.1'] }));
    const perClient = new Map<string, Set<Side>>();
    for (let i = 1; i <= 40; i++) {
      const ip = `198.51.100.${i}`;
      const seen = new Set<Side>();
      for (let r = 0; r < 3; r++) seen.add(await sideOf(gw.port, '/api/products/1', { 'x-forwarded-for': ip, 'x-user': `noise-${r}`, cookie: `uid=${r}` }));
      perClient.set(ip, seen);
    }
    expect([...perClient].filter(([, s]) => s.size !== 1).map(([k]) => k)).toEqual([]);
    const onNew = [...perClient.values()].filter((s) => s.has('new')).length;
    expect(onNew).toBeGreaterThan(0);
    expect(onNew).toBeLessThan(40);
  });

  it('stickyBy header: a request without the header is placed by its client address, exactly as stickyBy client places it', async () => {
    const byHeader = await start(table(u, [canaryRoute(50, { stickyBy: 'header', key: 'x-user' })], { trustedProxies: ['127.0.0.1'] }));
    const byClient = await start(table(u, [canaryRoute(50, { stickyBy: 'client' })], { trustedProxies: ['127.0.0.1'] }));
    const mismatches: string[] = [];
    const headerless = new Set<Side>();
    for (let i = 1; i <= 40; i++) {
      const ip = `203.0.113.${i}`;
      const a = await sideOf(byHeader.port, '/api/products/1', { 'x-forwarded-for': ip });
      const b = await sideOf(byClient.port, '/api/products/1', { 'x-forwarded-for': ip });
      headerless.add(a);
      if (a !== b) mismatches.push(`${ip}: header route ${a}, client route ${b}`);
    }
    expect(mismatches).toEqual([]);
    // Both sides occur: the address really is the key, not a constant.
    expect([...headerless].sort()).toEqual(['legacy', 'new']);
  });

  it('stickyBy header: with the header present the client address does not matter', async () => {
    const gw = await start(table(u, [canaryRoute(50, { stickyBy: 'header', key: 'x-user' })], { trustedProxies: ['127.0.0.1'] }));
    for (let user = 0; user < 15; user++) {
      const seen = new Set<Side>();
      for (let i = 1; i <= 6; i++) seen.add(await sideOf(gw.port, '/api/products/1', { 'x-user': `user-${user}`, 'x-forwarded-for': `192.0.2.${i}` }));
      expect(seen.size).toBe(1);
    }
  });
});

describe('the force header x-strangler-target', () => {
  let u: Upstreams;
  let gw: RunningGateway | null = null;
  const routes = [
    { id: 'in-legacy', path: '/legacy/*', mode: 'legacy', ...SIDES },
    { id: 'in-new', path: '/new/*', mode: 'new', ...SIDES },
    { id: 'in-canary', path: '/canary/*', mode: 'canary', canary: { percent: 50, stickyBy: 'header', key: 'x-user' }, ...SIDES },
    { id: 'in-retired', path: '/retired/*', mode: 'retired', ...SIDES },
    { id: 'legacy-only', path: '/old/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
  ];
  beforeEach(async () => {
    u = await startUpstreams();
  });
  afterEach(async () => {
    await gw?.close();
    gw = null;
    await u.close();
  });

  it('from an address in forceTargetFrom: honoured, and never forwarded upstream', async () => {
    gw = await startGateway(table(u, routes, { forceTargetFrom: ['127.0.0.1'] }));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-strangler-target': 'new' })).toBe('new');
    expect(await sideOf(gw.port, '/new/x', { 'x-strangler-target': 'legacy' })).toBe('legacy');
    for (let user = 0; user < 20; user++) {
      expect(await sideOf(gw.port, '/canary/x', { 'x-user': `user-${user}`, 'x-strangler-target': 'legacy' })).toBe('legacy');
      expect(await sideOf(gw.port, '/canary/x', { 'x-user': `user-${user}`, 'X-Strangler-Target': 'new' })).toBe('new');
    }
    expect(stranglerHeaders(u.legacy)).toEqual([]);
    expect(stranglerHeaders(u.fresh)).toEqual([]);
  });

  it('a CIDR range in forceTargetFrom works too', async () => {
    gw = await startGateway(table(u, routes, { forceTargetFrom: ['127.0.0.0/8'] }));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-strangler-target': 'new' })).toBe('new');
  });

  it.each([
    ['no forceTargetFrom (the default: nobody)', {}],
    ['an address not in forceTargetFrom', { forceTargetFrom: ['10.0.0.0/8', '192.0.2.1'] }],
  ])('from %s: ignored, and still not forwarded upstream', async (_what, extra) => {
    gw = await startGateway(table(u, routes, extra));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-strangler-target': 'new' })).toBe('legacy');
    expect(await sideOf(gw.port, '/new/x', { 'x-strangler-target': 'legacy' })).toBe('new');
    expect(stranglerHeaders(u.legacy)).toEqual([]);
    expect(stranglerHeaders(u.fresh)).toEqual([]);
  });

  it('judged on the client address: a trusted proxy in forceTargetFrom does not lend its right to the client behind it', async () => {
    gw = await startGateway(table(u, routes, { trustedProxies: ['127.0.0.1'], forceTargetFrom: ['127.0.0.1'] }));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-forwarded-for': '198.51.100.9', 'x-strangler-target': 'new' })).toBe('legacy');
  });

  it('a client in forceTargetFrom behind a trusted proxy is honoured', async () => {
    gw = await startGateway(table(u, routes, { trustedProxies: ['127.0.0.1'], forceTargetFrom: ['198.51.100.0/24'] }));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-forwarded-for': '198.51.100.9', 'x-strangler-target': 'new' })).toBe('new');
    expect(await sideOf(gw.port, '/legacy/x', { 'x-strangler-target': 'new' })).toBe('legacy'); // 127.0.0.1 itself is not listed
  });

  it('never sends a retired route to legacy', async () => {
    gw = await startGateway(table(u, routes, { forceTargetFrom: ['127.0.0.1'] }));
    for (let i = 0; i < 10; i++) expect(await sideOf(gw.port, `/retired/${i}`, { 'x-strangler-target': 'legacy' })).toBe('new');
    expect(u.legacy.seen).toHaveLength(0);
  });

  it('an unknown value, or a side the route does not declare, is ignored', async () => {
    gw = await startGateway(table(u, routes, { forceTargetFrom: ['127.0.0.1'] }));
    expect(await sideOf(gw.port, '/legacy/x', { 'x-strangler-target': 'both' })).toBe('legacy');
    expect(await sideOf(gw.port, '/new/x', { 'x-strangler-target': 'monolith' })).toBe('new');
    expect(await sideOf(gw.port, '/old/x', { 'x-strangler-target': 'new' })).toBe('legacy');
  });
});

describe('a retired route', () => {
  it('the legacy upstream receives zero requests: every method, force header, fallbackToLegacy with new failing', async () => {
    const u = await startUpstreams((req, res) => {
      res.statusCode = req.url?.includes('fail') ? 500 : 200;
      res.end('new');
    });
    const gw = await startGateway(
      table(u, [{ id: 'retired', path: '/api/products/*', mode: 'retired', ...SIDES, fallbackToLegacy: true }], { forceTargetFrom: ['127.0.0.1'] }),
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE']) {
          const path = i % 3 === 0 ? `/api/products/fail-${i}` : `/api/products/${i}`;
          const headers = i % 2 === 0 ? { 'x-strangler-target': 'legacy' } : {};
          statuses.push((await request(gw.port, path, { method, headers })).status);
        }
      }
      expect(u.legacy.seen).toEqual([]);
      expect(u.legacy.connections()).toBe(0);
      expect(u.fresh.seen).toHaveLength(150);
      expect(new Set(statuses)).toEqual(new Set([200, 500]));
    } finally {
      await gw.close();
      await u.close();
    }
  });

  it('with new dead: the 502 problem, still nothing to legacy', async () => {
    const u = await startUpstreams();
    const gw = await startGateway(
      table({ ...u, fresh: await closedPortUrl() }, [{ id: 'retired', path: '/api/products/*', mode: 'retired', ...SIDES, fallbackToLegacy: true }], {
        forceTargetFrom: ['127.0.0.1'],
      }),
    );
    try {
      for (let i = 0; i < 10; i++) {
        const a = await request(gw.port, `/api/products/${i}`, { headers: { 'x-strangler-target': 'legacy' } });
        expect(a.status).toBe(502);
      }
      expect(u.legacy.seen).toEqual([]);
    } finally {
      await gw.close();
      await u.close();
    }
  });
});
