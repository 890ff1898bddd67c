import { movement } from '../../../acl';
import { eventually } from '../../../platform/test-kit/eventually';
import { DASHBOARD_ANSWERS } from '../../src/control/dashboard/answers';
import { startDashboardStack, TOKEN, type DashboardStack } from './stack';

/** The dashboard's server side on a running stack: its page, its origins, and what its endpoints answer. */

let stack: DashboardStack;
const auth = { Authorization: `Bearer ${TOKEN}` };
const admin = (path: string, init: RequestInit = {}) => fetch(`${stack.adminUrl}${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
const flip = (id: string, body: object, headers: Record<string, string> = {}) =>
  admin(`/admin/routes/${id}/flip`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });

beforeAll(async () => {
  stack = await startDashboardStack();
});
afterAll(() => stack.close());

describe('the page', () => {
  it('is served on the admin listener without a token, with a strict CSP and the security headers', async () => {
    const res = await fetch(`${stack.adminUrl}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('input type="password"');
    // No inline script: the only script is the bundle from this origin.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/dashboard/app.js" defer>']);
  });

  it('keeps its JavaScript and CSS within 150 KB together, before compression', async () => {
    const js = await (await fetch(`${stack.adminUrl}/dashboard/app.js`)).arrayBuffer();
    const css = await (await fetch(`${stack.adminUrl}/dashboard/app.css`)).arrayBuffer();
    expect(js.byteLength).toBeGreaterThan(1_000);
    expect(js.byteLength + css.byteLength).toBeLessThanOrEqual(150 * 1024);
  });

  it('is never served by the public listener, and the dashboard endpoints are refused there', async () => {
    const page = await fetch(`${stack.publicUrl}/dashboard`);
    expect(page.headers.get('content-security-policy')).toBeNull();
    expect(await page.text()).not.toContain('migration dashboard');
    const script = await fetch(`${stack.publicUrl}/dashboard/app.js`);
    expect(await script.text()).not.toContain('strangler.admin-token');
    const api = await fetch(`${stack.publicUrl}/admin/dashboard/overview`, { headers: auth });
    expect(api.status).toBe(404);
  });
});

describe('origins', () => {
  it('still refuses a cross-site Origin, even with the right token', async () => {
    const res = await flip('orders', { to: 'shadow', reason: 'x' }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { type: string }).type).toBe('urn:strangler:problem:browser-refused');
    const read = await admin('/admin/dashboard/overview', { headers: { Origin: 'http://127.0.0.1:1' } });
    expect(read.status).toBe(403);
  });

  it('refuses the own origin when the browser says the request is cross-site', async () => {
    const res = await admin('/admin/routes', { headers: { Origin: stack.adminUrl, 'Sec-Fetch-Site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it('allows exactly the admin listener\'s own origin, and records such a change as via dashboard', async () => {
    const res = await flip('orders', { to: 'shadow', reason: 'from the page', actor: 'ada' }, { Origin: stack.adminUrl, 'Sec-Fetch-Site': 'same-origin' });
    expect(res.status).toBe(201);
    const history = (await (await admin('/admin/history?route=orders')).json()) as { via: string; actor: string }[];
    expect(history[0]?.via).toMatch(/^dashboard /);
    expect(history[0]?.actor).toBe('ada');
    const back = await admin('/admin/routes/orders/rollback', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(back.status).toBe(201);
  });
});

describe('the panels\' endpoints', () => {
  beforeAll(async () => {
    await (await flip('products', { to: 'shadow', reason: 'compare' })).text();
    await eventuallyShadowing();
    await stack.traffic(['/api/products/1', '/api/products/2', '/api/products/3', '/api/products/4', '/api/reports/daily', '/api/reports/daily']);
  });

  async function eventuallyShadowing(): Promise<void> {
    await eventually(() => stack.gateway.table().routes.find((r) => r.id === 'products')?.mode === 'shadow');
  }

  it('overview: every route with its mode, last hour per side, last legacy hit, the shadow record with its bound and noise', async () => {
    const o = DASHBOARD_ANSWERS.overview.parse(await (await admin('/admin/dashboard/overview')).json());
    expect(o.routes.map((r) => [r.id, r.mode])).toEqual([['products', 'shadow'], ['orders', 'legacy'], ['reports', 'legacy'], ['catch-all', 'legacy']]);
    expect(o.counts).toMatchObject({ legacy: 3, shadow: 1, canary: 0, new: 0, retired: 0 });
    const products = o.routes[0];
    expect(products?.perMinute.legacy.reduce((a, b) => a + b, 0)).toBe(4);
    expect(products?.lastHit.legacy).not.toBeNull();
    expect(products?.shadow).toMatchObject({ compared: 4, matches: 3, realFields: 1 });
    expect(products?.shadow?.lowerBound).toBeLessThan(0.75);
    expect(products?.shadow?.noiseFields).toBeGreaterThanOrEqual(1);
    expect(products?.live.legacy.requests).toBe(4);
    expect(products?.health.map((h) => [h.side, h.upstream, h.healthy, h.total])).toEqual([['legacy', 'monolith', 1, 1], ['new', 'catalog', 1, 1]]);
    expect(o.routes.find((r) => r.id === 'reports')?.shadow).toBeNull();
  });

  it('burn-down: the share per bucket from the store, every bucket of the range present', async () => {
    const b = DASHBOARD_ANSWERS.burndown.parse(await (await admin('/admin/dashboard/burndown?range=1h')).json());
    expect(b.bucketMinutes).toBe(1);
    expect(b.points).toHaveLength(60);
    const sum = b.points.reduce((a, p) => ({ legacy: a.legacy + p.legacy, new: a.new + p.new }), { legacy: 0, new: 0 });
    expect(sum.legacy).toBeGreaterThanOrEqual(6);
    expect((await admin('/admin/dashboard/burndown?range=1y')).status).toBe(400);
  });

  it('preview: a flip to canary shows the gate refusing with its numbers; a legal move without a gate is allowed', async () => {
    const p = DASHBOARD_ANSWERS.preview.parse(await (await admin('/admin/dashboard/routes/products/preview?to=canary&percent=5')).json());
    expect(p).toMatchObject({ allowed: false, from: { mode: 'shadow' }, to: { mode: 'canary', percent: 5 }, gate: { applies: true, ok: false } });
    expect(p.gate.reasons.join(' ')).toMatch(/match rate 75\.0% is below 99\.0%/);
    expect(p.gate.summary?.compared).toBe(4);
    const back = DASHBOARD_ANSWERS.preview.parse(await (await admin('/admin/dashboard/routes/products/preview?action=rollback')).json());
    expect(back).toMatchObject({ allowed: true, to: { mode: 'legacy' } });
    const illegal = DASHBOARD_ANSWERS.preview.parse(await (await admin('/admin/dashboard/routes/reports/preview?to=shadow')).json());
    expect(illegal).toMatchObject({ allowed: false, refusal: { code: 'illegal-move' } });
    expect((await admin('/admin/dashboard/routes/nope/preview?to=shadow')).status).toBe(404);
  });

  it('traffic: per upstream from the store, per instance from this replica', async () => {
    const t = DASHBOARD_ANSWERS.routeTraffic.parse(await (await admin('/admin/dashboard/routes/products/traffic')).json());
    expect(t.upstreams).toEqual([expect.objectContaining({ upstream: 'monolith', side: 'legacy', requests: 4 })]);
    expect(t.instances.map((i) => i.upstream).sort()).toEqual(['catalog', 'monolith']);
    // An instance serves every route of its upstream: its tries count them all.
    expect(t.instances.find((i) => i.upstream === 'monolith')?.tries).toBeGreaterThanOrEqual(6);
  });

  it('data freshness: the last verify, sync and backfill of each context, read from the data tools\' files', async () => {
    const none = DASHBOARD_ANSWERS.overview.parse(await (await admin('/admin/dashboard/overview')).json());
    expect(none.data.find((d) => d.context === 'catalog')).toMatchObject({ verify: null, sync: null, backfill: null });
    const finding = { count: 0, examples: [] };
    movement.recordVerify(stack.dir, { context: 'catalog', legacyRows: 10, serviceRows: 10, matching: 10, missing: finding, extra: finding, different: finding, refused: finding, clean: true }, new Date('2030-01-02T03:04:05Z'));
    const o = DASHBOARD_ANSWERS.overview.parse(await (await admin('/admin/dashboard/overview')).json());
    expect(o.data.find((d) => d.context === 'catalog')?.verify).toMatchObject({ at: '2030-01-02T03:04:05.000Z', clean: true, matching: 10 });
    expect(o.data.find((d) => d.context === 'catalog')?.routes).toEqual(['products', 'orders']);
  });
});
