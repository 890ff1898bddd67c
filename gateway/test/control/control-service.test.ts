import type { RouteTable } from '../../src/config/table';
import { ControlService } from '../../src/control/control';
import { ControlError } from '../../src/control/errors';
import { applyOverlay, effectiveState } from '../../src/control/overlay';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import type { AuditEntry, FlipRequest, RouteView } from '../../src/control/types';
import { tableFor } from '../kit/gateway';

/** The control service over a real store (sqlite::memory:), from the specification of issue 5. */

const UPSTREAMS = { legacy: 'http://127.0.0.1:1', fresh: 'http://127.0.0.1:2' };
const BOTH_SIDES = { legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' } };

function baselineTable(): RouteTable {
  return tableFor(UPSTREAMS, [
    { id: 'product-one', path: '/api/products/:id', methods: ['GET'], mode: 'legacy', ...BOTH_SIDES },
    { id: 'products', path: '/api/products/*', mode: 'legacy', ...BOTH_SIDES },
    { id: 'orders', path: '/api/orders/*', mode: 'canary', canary: { percent: 5 }, ...BOTH_SIDES },
    { id: 'old-only', path: '/old/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
  ]);
}

/** A clock that moves one second per reading, so each change has its own time. */
function steppingClock(start = Date.parse('2030-05-06T07:08:09.000Z')): { now: () => Date; readings: Date[] } {
  const readings: Date[] = [];
  let t = start;
  return {
    readings,
    now: () => {
      const d = new Date(t);
      t += 1000;
      readings.push(d);
      return d;
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<ControlError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ControlError) return e;
    throw e;
  }
  throw new Error('expected the operation to be refused');
}

const flipTo = (to: FlipRequest['to'], extra: Partial<FlipRequest> = {}): FlipRequest => ({ to, reason: `to ${to}`, actor: 'alice', ...extra });

describe('ControlService with a real store', () => {
  let store: StateStore;
  let baseline: RouteTable;
  let clock: ReturnType<typeof steppingClock>;
  let control: ControlService;

  beforeEach(async () => {
    store = openStateStore('sqlite::memory:');
    await store.migrate();
    baseline = baselineTable();
    clock = steppingClock();
    control = new ControlService({ store, baseline: () => baseline, clock: clock.now });
  });
  afterEach(() => store.close());

  const view = async (id: string): Promise<RouteView> => {
    const found = (await control.list()).routes.find((r) => r.id === id);
    if (!found) throw new Error(`no route ${id} in the list`);
    return found;
  };
  /** The store as a whole: its version and every audit entry, to prove a refused change wrote nothing. */
  const snapshot = async () => ({ version: await store.latestVersion(), current: await store.current(), history: await store.history() });

  describe('list', () => {
    it('before the first flip: version 0, every route follows routes.json', async () => {
      const list = await control.list();
      expect(list.version).toBe(0);
      expect(list.orphans).toEqual([]);
      expect(list.routes.map((r) => r.id)).toEqual(['product-one', 'products', 'orders', 'old-only', 'catch-all']);
      expect(await view('orders')).toEqual({
        id: 'orders',
        path: '/api/orders/*',
        methods: null,
        state: { mode: 'canary', percent: 5 },
        source: 'routes.json',
        legacy: 'legacy',
        new: 'fresh',
      });
      expect((await view('old-only')).new).toBeNull();
    });
  });

  describe('flip', () => {
    it('writes version + 1 and exactly one audit entry: who, when, route, from, to, reason, forced', async () => {
      const result = await control.flip('products', { to: 'shadow', reason: '  compare answers  ', actor: 'alice' }, 'cli --store');
      expect(result.version).toBe(1);
      const expected: AuditEntry = {
        id: result.entry.id,
        version: 1,
        at: clock.readings[0]!.toISOString(),
        actor: 'alice',
        via: 'cli --store',
        routeId: 'products',
        action: 'flip',
        from: { mode: 'legacy' },
        to: { mode: 'shadow' },
        reason: 'compare answers',
        forced: false,
        undoes: null,
      };
      expect(result.entry).toEqual(expected);
      expect(await control.history()).toEqual([expected]);
      expect(await store.latestVersion()).toBe(1);
      expect(await view('products')).toMatchObject({ state: { mode: 'shadow' }, source: { version: 1 } });
      // Other routes still follow the file.
      expect((await view('product-one')).source).toBe('routes.json');
    });

    it('records the percent of a canary move, and the from-percent of the next one', async () => {
      await control.flip('products', flipTo('shadow'), 'test');
      const toCanary = await control.flip('products', flipTo('canary', { percent: 12.5 }), 'test');
      expect(toCanary.entry).toMatchObject({ version: 2, from: { mode: 'shadow' }, to: { mode: 'canary', percent: 12.5 } });
      const raise = await control.flip('products', flipTo('canary', { percent: 20 }), 'test');
      expect(raise.entry).toMatchObject({ version: 3, from: { mode: 'canary', percent: 12.5 }, to: { mode: 'canary', percent: 20 } });
      expect((await control.history('products')).map((e) => e.version)).toEqual([3, 2, 1]);
      expect((await view('products')).state).toEqual({ mode: 'canary', percent: 20 });
    });

    it('the forced flag is set only when the move needed --force', async () => {
      const skip = await control.flip('products', flipTo('new', { force: true }), 'test');
      expect(skip.entry).toMatchObject({ from: { mode: 'legacy' }, to: { mode: 'new' }, forced: true });
      const back = await control.flip('products', flipTo('shadow', { force: true }), 'test');
      expect(back.entry.forced).toBe(false);
      const plain = await control.flip('product-one', flipTo('shadow'), 'test');
      expect(plain.entry.forced).toBe(false);
    });

    it('the actor defaults to "admin-token" through the admin API and to the OS user otherwise', async () => {
      const api = await control.flip('products', { to: 'shadow', reason: 'r' }, 'admin-api 127.0.0.1');
      expect(api.entry.actor).toBe('admin-token');
      const cli = await control.flip('product-one', { to: 'shadow', reason: 'r', actor: '   ' }, 'cli --store');
      expect(cli.entry.actor).not.toBe('');
      expect(cli.entry.actor).not.toBe('admin-token');
    });

    it.each([[''], ['   '], ['\n\t']])('a reason is required (%p refused, nothing written)', async (reason) => {
      const before = await snapshot();
      const e = await refusal(control.flip('products', { to: 'shadow', reason }, 'test'));
      expect(e.code).toBe('invalid-request');
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/reason/);
      expect(await snapshot()).toEqual(before);
    });

    it('an unknown route → unknown-route (404) for flip, rollback and history', async () => {
      for (const attempt of [
        control.flip('nope', flipTo('shadow'), 'test'),
        control.rollback('nope', {}, 'test'),
        Promise.resolve().then(() => control.history('nope')),
      ]) {
        const e = await refusal(attempt);
        expect(e.code).toBe('unknown-route');
        expect(e.status).toBe(404);
        expect(e.message).toContain('nope');
      }
      expect(await store.latestVersion()).toBe(0);
    });

    it.each([
      ['skipping ahead', 'products', flipTo('new')],
      ['the same state', 'products', flipTo('legacy')],
      ['canary without a percent', 'products', flipTo('canary', { force: true })],
      ['a bad percent', 'products', flipTo('canary', { percent: 100, force: true })],
      ['a percent outside canary', 'products', flipTo('shadow', { percent: 10 })],
      ['a side the route does not declare, even forced', 'old-only', flipTo('new', { force: true })],
      ['the same canary percent', 'orders', flipTo('canary', { percent: 5 })],
    ] as const)('a refused change writes nothing: %s', async (_what, routeId, request) => {
      await control.flip('product-one', flipTo('shadow'), 'test'); // something in the store already
      const before = await snapshot();
      const e = await refusal(control.flip(routeId, request, 'test'));
      expect(['illegal-move', 'invalid-request']).toContain(e.code);
      expect(await snapshot()).toEqual(before);
    });

    it('a refused skip names the allowed next steps', async () => {
      const e = await refusal(control.flip('products', flipTo('canary', { percent: 10 }), 'test'));
      expect(e.code).toBe('illegal-move');
      expect(e.status).toBe(422);
      expect(e.details['allowed']).toEqual(['shadow']);
    });

    it('ifMatch at the current version is accepted; a stale one → stale-version and nothing written', async () => {
      await control.flip('products', flipTo('shadow'), 'test', 0);
      const before = await snapshot();
      const stale = await refusal(control.flip('product-one', flipTo('shadow'), 'test', 0));
      expect(stale.code).toBe('stale-version');
      expect(stale.status).toBe(409);
      expect(stale.details['current']).toBe(1);
      expect(await snapshot()).toEqual(before);
      const staleRollback = await refusal(control.rollback('products', {}, 'test', 0));
      expect(staleRollback.code).toBe('stale-version');
      expect(await snapshot()).toEqual(before);
      expect((await control.flip('product-one', flipTo('shadow'), 'test', 1)).version).toBe(2);
    });

    it('concurrent flips of two routes without ifMatch both land (no lost update)', async () => {
      const [a, b] = await Promise.all([control.flip('products', flipTo('shadow'), 'test'), control.flip('product-one', flipTo('shadow'), 'test')]);
      expect([a.version, b.version].sort()).toEqual([1, 2]);
      const current = await store.current();
      expect(current.version).toBe(2);
      expect(Object.keys(current.overlay).sort()).toEqual(['product-one', 'products']);
    });

    it('concurrent identical flips of one route: one lands, the other is re-decided on the new state and refused', async () => {
      const results = await Promise.allSettled([control.flip('products', flipTo('shadow'), 'test'), control.flip('products', flipTo('shadow'), 'test')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(ControlError);
      expect((lost?.reason as ControlError).code).toBe('illegal-move');
      expect(await control.history()).toHaveLength(1);
    });
  });

  describe('rollback', () => {
    it('undoing the first flip goes back to "follows routes.json"', async () => {
      const flip = await control.flip('products', flipTo('shadow'), 'test');
      const undo = await control.rollback('products', { reason: 'shadow diffs too noisy', actor: 'bob' }, 'cli --store');
      expect(undo.version).toBe(2);
      expect(undo.entry).toMatchObject({
        version: 2,
        action: 'rollback',
        routeId: 'products',
        from: { mode: 'shadow' },
        to: { mode: 'legacy' },
        reason: 'shadow diffs too noisy',
        actor: 'bob',
        forced: false,
        undoes: flip.entry.id,
      });
      expect(await view('products')).toMatchObject({ state: { mode: 'legacy' }, source: 'routes.json' });
      expect((await store.current()).overlay).toEqual({});
      expect(await control.history('products')).toHaveLength(2);
    });

    it('on a route that is canary in routes.json, undoing the first flip restores the file percent and source', async () => {
      await control.flip('orders', flipTo('canary', { percent: 20 }), 'test');
      await control.rollback('orders', {}, 'test');
      expect(await view('orders')).toMatchObject({ state: { mode: 'canary', percent: 5 }, source: 'routes.json' });
    });

    it('restores the exact previous state, and repeated rollbacks walk back in time', async () => {
      await control.flip('products', flipTo('shadow'), 'test'); // v1
      await control.flip('products', flipTo('canary', { percent: 10 }), 'test'); // v2
      await control.flip('product-one', flipTo('shadow'), 'test'); // v3, another route in between
      await control.flip('products', flipTo('canary', { percent: 25.5 }), 'test'); // v4

      const r1 = await control.rollback('products', {}, 'test');
      expect(r1.entry).toMatchObject({ version: 5, from: { mode: 'canary', percent: 25.5 }, to: { mode: 'canary', percent: 10 } });
      expect(r1.entry.reason).toMatch(/rollback/);
      expect(await view('products')).toMatchObject({ state: { mode: 'canary', percent: 10 }, source: { version: 5 } });

      await control.rollback('products', {}, 'test'); // v6
      expect((await view('products')).state).toEqual({ mode: 'shadow' });

      await control.rollback('products', {}, 'test'); // v7
      expect(await view('products')).toMatchObject({ state: { mode: 'legacy' }, source: 'routes.json' });

      // The other route was never touched by these rollbacks.
      expect(await view('product-one')).toMatchObject({ state: { mode: 'shadow' }, source: { version: 3 } });

      const before = await snapshot();
      const none = await refusal(control.rollback('products', {}, 'test'));
      expect(none.code).toBe('nothing-to-roll-back');
      expect(none.status).toBe(409);
      expect(await snapshot()).toEqual(before);
    });

    it('a flip after a rollback is undone first, then the walk continues into the older flips', async () => {
      await control.flip('products', flipTo('shadow'), 'test'); // v1
      await control.flip('products', flipTo('canary', { percent: 10 }), 'test'); // v2
      await control.rollback('products', {}, 'test'); // v3: back to shadow
      await control.flip('products', flipTo('legacy'), 'test'); // v4
      await control.rollback('products', {}, 'test'); // v5: undoes v4 → shadow
      expect((await view('products')).state).toEqual({ mode: 'shadow' });
      await control.rollback('products', {}, 'test'); // v6: undoes v1 → routes.json
      expect(await view('products')).toMatchObject({ state: { mode: 'legacy' }, source: 'routes.json' });
      expect((await refusal(control.rollback('products', {}, 'test'))).code).toBe('nothing-to-roll-back');
    });

    it('nothing to roll back on a route never flipped → error, nothing written', async () => {
      await control.flip('product-one', flipTo('shadow'), 'test');
      const before = await snapshot();
      const e = await refusal(control.rollback('products', {}, 'test'));
      expect(e.code).toBe('nothing-to-roll-back');
      expect(e.message).toContain('products');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('applyOverlay', () => {
    it('skips entries for routes no longer in the table, applies the rest, and list() reports the orphans', async () => {
      await store.append(0, { gone: { mode: 'new', version: 1 }, products: { mode: 'canary', percent: 30, version: 1 } }, {
        routeId: 'gone',
        action: 'flip',
        from: { mode: 'legacy' },
        to: { mode: 'new' },
        reason: 'route removed from routes.json later',
        forced: false,
        undoes: null,
        actor: 'tester',
        via: 'jest',
      }, new Date());
      const state = await store.current();
      const { table, skipped } = applyOverlay(baseline, state);
      expect(skipped).toEqual([{ routeId: 'gone', reason: expect.stringMatching(/no such route/) }]);
      expect(table.version).toBe(1);
      expect(table.routes.map((r) => r.id)).toEqual(baseline.routes.map((r) => r.id));
      const products = table.routes.find((r) => r.id === 'products');
      expect(products).toMatchObject({ mode: 'canary', percent: 30 });
      expect(table.routes.find((r) => r.id === 'product-one')?.mode).toBe('legacy');
      // The matcher of the new table serves the overlaid route.
      expect(table.matcher.match('POST', ['api', 'products', '1'])?.route.mode).toBe('canary');
      expect((await control.list()).orphans).toEqual(['gone']);
      // The baseline itself is untouched.
      expect(baseline.routes.find((r) => r.id === 'products')?.mode).toBe('legacy');
      expect(baseline.version).toBe(0);
    });

    it('skips an entry whose mode needs a side routes.json no longer declares; the route keeps its file state', () => {
      const state = { version: 4, overlay: { 'old-only': { mode: 'new' as const, version: 4 } } };
      const { table, skipped } = applyOverlay(baseline, state);
      expect(skipped).toEqual([{ routeId: 'old-only', reason: expect.stringMatching(/new/) }]);
      expect(table.routes.find((r) => r.id === 'old-only')?.mode).toBe('legacy');
    });

    it('list and explain agree with the served table when an entry is skipped (the route serves its file state)', async () => {
      // An entry routes.json can no longer honour: old-only declares no new side (say, it was removed after the flip).
      await store.append(0, { 'old-only': { mode: 'new', version: 1 } }, {
        routeId: 'old-only',
        action: 'flip',
        from: { mode: 'legacy' },
        to: { mode: 'new' },
        reason: 'flipped while routes.json still declared new',
        forced: false,
        undoes: null,
        actor: 'tester',
        via: 'jest',
      }, new Date());
      const served = applyOverlay(baseline, await store.current()).table.routes.find((r) => r.id === 'old-only');
      expect(served?.mode).toBe('legacy');
      const x = await control.explain('GET', '/old/x', new Date());
      expect(x.answer).toMatch(/^legacy \(legacy\) answers/);
      // The route view beside that answer must not claim a mode the gateway is not serving.
      expect(x.route?.state).toEqual({ mode: 'legacy' });
      expect((await view('old-only')).state).toEqual({ mode: 'legacy' });
    });

    it('a canary overlay on a route that is canary in the file replaces the percent; other modes have percent 0', () => {
      const { table } = applyOverlay(baseline, { version: 2, overlay: { orders: { mode: 'canary', percent: 40, version: 2 }, products: { mode: 'new', version: 1 } } });
      expect(table.routes.find((r) => r.id === 'orders')).toMatchObject({ mode: 'canary', percent: 40 });
      expect(table.routes.find((r) => r.id === 'products')).toMatchObject({ mode: 'new', percent: 0 });
      const orders = baseline.routes.find((r) => r.id === 'orders')!;
      expect(effectiveState(orders, { version: 0, overlay: {} })).toEqual({ mode: 'canary', percent: 5 });
    });
  });

  describe('explain', () => {
    it('names the matching route, why the others lose, which side answers', async () => {
      const since = new Date('2030-05-06T00:00:00.000Z');
      const x = await control.explain('get', '/api/products/7', since);
      expect(x).toMatchObject({ method: 'GET', path: '/api/products/7', version: 0, since: since.toISOString() });
      expect(x.route?.id).toBe('product-one');
      expect(x.why[0]).toMatch(/"product-one" matches/);
      const products = x.why.find((w) => w.includes('"products"'));
      expect(products).toMatch(/loses: the winner's path is more specific/);
      const catchAll = x.why.find((w) => w.includes('"catch-all"'));
      expect(catchAll).toMatch(/loses/);
      expect(x.why.some((w) => w.includes('"orders"'))).toBe(false); // does not match the path at all
      expect(x.answer).toMatch(/^legacy \(legacy\) answers/);
      expect(x.traffic).toEqual([]);
    });

    it('a route that matches the path but not the method is said to lose on the method', async () => {
      const x = await control.explain('POST', '/api/products/7', new Date());
      expect(x.route?.id).toBe('products');
      expect(x.why.find((w) => w.includes('"product-one"'))).toMatch(/matches the path but not POST/);
    });

    it('follows the state: after flips the answer names new, the canary percent and its key', async () => {
      await control.flip('product-one', flipTo('shadow'), 'test');
      expect((await control.explain('GET', '/api/products/7', new Date())).answer).toMatch(/legacy \(legacy\) answers; new \(fresh\) gets a copy/);
      await control.flip('product-one', flipTo('canary', { percent: 15 }), 'test');
      const canary = await control.explain('GET', '/api/products/7', new Date());
      expect(canary.version).toBe(2);
      expect(canary.route).toMatchObject({ state: { mode: 'canary', percent: 15 }, source: { version: 2 } });
      expect(canary.answer).toMatch(/new \(fresh\) answers 15% of keys/);
      expect(canary.answer).toMatch(/client address/);
      await control.flip('product-one', flipTo('new'), 'test');
      await control.flip('product-one', flipTo('retired'), 'test');
      expect((await control.explain('GET', '/api/products/7', new Date())).answer).toMatch(/new \(fresh\) answers; legacy is never called/);
    });

    it('reports the traffic recorded with addTraffic since a time, per upstream, for the matched route only', async () => {
      const since = new Date('2030-05-06T07:00:00.000Z');
      const minute = Math.floor(since.getTime() / 60_000);
      await store.addTraffic('r1', [
        { routeId: 'product-one', upstream: 'legacy', minute: minute - 5, requests: 50 }, // before `since`
        { routeId: 'product-one', upstream: 'legacy', minute: minute + 1, requests: 2 },
        { routeId: 'product-one', upstream: 'fresh', minute: minute + 2, requests: 9 },
        { routeId: 'products', upstream: 'legacy', minute: minute + 1, requests: 1000 },
      ]);
      await store.addTraffic('r2', [{ routeId: 'product-one', upstream: 'fresh', minute: minute + 3, requests: 1 }]);
      const x = await control.explain('GET', '/api/products/7', since);
      expect(x.traffic).toEqual([
        { upstream: 'fresh', requests: 10, lastSeen: new Date((minute + 3) * 60_000).toISOString() },
        { upstream: 'legacy', requests: 2, lastSeen: new Date((minute + 1) * 60_000).toISOString() },
      ]);
      const later = await control.explain('GET', '/api/products/7', new Date((minute + 2) * 60_000));
      expect(later.traffic.map((t) => [t.upstream, t.requests])).toEqual([['fresh', 10]]);
    });

    it('explains the normalised path, as the gateway matches it', async () => {
      const x = await control.explain('GET', '/api/orders/../products//7', new Date());
      expect(x.path).toBe('/api/products/7');
      expect(x.route?.id).toBe('product-one');
    });

    it('a path the gateway refuses (an encoded slash) → invalid-request', async () => {
      const e = await refusal(control.explain('GET', '/api/products/a%2Fb', new Date()));
      expect(e.code).toBe('invalid-request');
    });
  });
});
