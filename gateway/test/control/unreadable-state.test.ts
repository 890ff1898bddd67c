import type { Knex } from 'knex';
import type { RouteTable } from '../../src/config/table';
import { ControlService } from '../../src/control/control';
import { ControlError } from '../../src/control/errors';
import { StateFollower } from '../../src/control/follower';
import type { KnexStateStore } from '../../src/control/state-store';
import { captureLogs, memoryStateStore, overlayText, twoRouteTable, writeAuditRow, writeStateRow } from './stored-rows-kit';

/**
 * Route state rows written by another gateway version (issue 14, item 5): a row this version
 * cannot read is named by its version and the path of its bad field, the newest readable version
 * keeps serving, a later readable one applies, and nothing says the store is unreachable.
 */

let db: Knex;
let store: KnexStateStore;

beforeEach(async () => {
  ({ db, store } = await memoryStateStore());
  await writeStateRow(db, 1, overlayText({ products: { mode: 'shadow' } }, 1));
});

afterEach(() => store.close());

async function refusal(p: Promise<unknown>): Promise<ControlError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ControlError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the state store reading versions', () => {
  it.each([
    ['an unknown mode', overlayText({ products: { mode: 'dark' } }, 2), 'overlay.products.mode', /expected one of/],
    ['a percent out of range', overlayText({ products: { mode: 'canary', percent: 150 } }, 2), 'overlay.products.percent', /less than 100/],
    ['a canary without its share', overlayText({ products: { mode: 'canary' } }, 2), 'overlay.products.percent', /needs a percent/],
    ['a route id with dots', overlayText({ 'v2.products': { mode: 'dark' } }, 2), 'overlay["v2.products"].mode', /expected one of/],
    ['an entry of another shape', JSON.stringify({ products: 'new' }), 'overlay.products', /expected object/],
    ['an overlay that is a list', JSON.stringify([{ id: 'products', mode: 'new' }]), 'overlay', /expected record/],
    ['text that is not JSON', '{"products":', 'overlay', /not valid JSON/],
  ])('%s: current() refuses naming version and field, readable() serves the version before', async (_what, text, path, message) => {
    await writeStateRow(db, 2, text);

    const refused = await refusal(store.current());
    expect(refused.code).toBe('unreadable-state');
    expect(refused.message).toContain('route state version 2');
    expect(refused.message).toContain(path);

    const { state, unreadable } = await store.readable();
    expect(state).toEqual({ version: 1, overlay: { products: { mode: 'shadow', version: 1 } } });
    expect(unreadable).toEqual([{ version: 2, issues: [{ path, message: expect.stringMatching(message) }] }]);
  });

  it('a field added by a newer version is ignored, not refused', async () => {
    await writeStateRow(db, 2, JSON.stringify({ products: { mode: 'new', version: 2, note: 'from a newer gateway' } }));
    expect(await store.current()).toEqual({ version: 2, overlay: { products: { mode: 'new', version: 2 } } });
  });

  it('looks back past many unreadable versions, newest first, to version 0 when none is readable', async () => {
    for (let v = 2; v <= 45; v++) await writeStateRow(db, v, overlayText({ products: { mode: 'dark' } }, v));
    const { state, unreadable } = await store.readable();
    expect(state.version).toBe(1);
    expect(unreadable.map((u) => u.version)).toEqual(Array.from({ length: 44 }, (_, i) => 45 - i));

    await db('strangler_route_state').where('version', 1).update({ overlay: '[]' });
    expect((await store.readable()).state).toEqual({ version: 0, overlay: {} });
  });

  it('a later readable version is current again', async () => {
    await writeStateRow(db, 2, overlayText({ products: { mode: 'dark' } }, 2));
    await writeStateRow(db, 3, overlayText({ products: { mode: 'new' } }, 3));
    expect(await store.current()).toEqual({ version: 3, overlay: { products: { mode: 'new', version: 3 } } });
    expect(await store.readable()).toEqual({ state: await store.current(), unreadable: [] });
  });

  it('overlayAt an unreadable version refuses naming it', async () => {
    await writeStateRow(db, 2, overlayText({ products: { mode: 'dark' } }, 2));
    expect((await refusal(store.overlayAt(2))).message).toMatch(/version 2 .*overlay\.products\.mode/);
  });

  it('an audit entry with a mode this version does not know refuses the history, naming the entry and column', async () => {
    await writeAuditRow(db, 1, { to_mode: 'dark' });
    const refused = await refusal(store.history());
    expect(refused.code).toBe('unreadable-state');
    expect(refused.message).toMatch(/audit entry #\d+ in strangler_route_audit .*to_mode: /);
  });

  it.each([
    ['a canary without its share', 'to_percent', { to_mode: 'canary', to_percent: null }],
    ['a share on another mode', 'from_percent', { from_percent: 500 }],
    ['a share of 100% or more', 'to_percent', { to_mode: 'canary', to_percent: 10_000 }],
    ['an unknown action', 'action', { action: 'promote' }],
  ])('an audit entry with %s is refused naming %s', async (_what, column, columns) => {
    await writeAuditRow(db, 1, columns);
    expect((await refusal(store.history())).message).toContain(`${column}: `);
  });
});

describe('the follower on a store another gateway version writes to', () => {
  let baseline: RouteTable;
  let served: RouteTable[];
  const modeOf = (t: RouteTable | undefined, id: string) => t?.routes.find((r) => r.id === id)?.mode;

  beforeEach(() => {
    baseline = twoRouteTable();
    served = [];
  });

  function follower(logger: ReturnType<typeof captureLogs>['logger']): StateFollower {
    return new StateFollower({ store, logger, swap: (t) => served.push(t), pollMs: 60_000 }, baseline);
  }

  it('keeps the last good table, logs the bad version once by field, and applies the next good one', async () => {
    const logs = captureLogs();
    const f = follower(logs.logger);
    await f.start();
    f.stop();
    expect(f.version()).toBe(1);
    expect(modeOf(served.at(-1), 'products')).toBe('shadow');

    await writeStateRow(db, 2, overlayText({ products: { mode: 'dark' }, orders: { mode: 'shadow' } }, 2));
    await f.poll();
    await f.poll();
    expect(served).toHaveLength(1);
    expect(f.version()).toBe(1);

    const errors = (await logs.entries()).filter((e) => e['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: expect.stringMatching(/^route state version 2 cannot be read by this gateway: overlay\.products\.mode: .*; version 1 keeps serving$/),
      version: 2,
      serving: 1,
      issues: [{ path: 'overlay.products.mode', message: expect.any(String) }],
    });
    expect(JSON.stringify(await logs.entries())).not.toMatch(/unreachable/);

    await writeStateRow(db, 3, overlayText({ products: { mode: 'new' } }, 3));
    await f.poll();
    expect(f.version()).toBe(3);
    expect(served).toHaveLength(2);
    expect(modeOf(served.at(-1), 'products')).toBe('new');
    expect((await logs.entries()).filter((e) => e['level'] === 'error')).toHaveLength(1);
  });

  it('a replica starting while the newest version is unreadable serves the newest it can read', async () => {
    await writeStateRow(db, 2, overlayText({ products: { mode: 'canary', percent: 250 } }, 2));
    const logs = captureLogs();
    const f = follower(logs.logger);
    await f.start();
    f.stop();
    expect(f.version()).toBe(1);
    expect(modeOf(served.at(-1), 'products')).toBe('shadow');
    expect((await logs.entries()).find((e) => e['level'] === 'error')?.['message']).toMatch(/version 2 .*overlay\.products\.percent/);
  });

  it('a store that cannot be reached is still told apart, and logged as unreachable', async () => {
    const logs = captureLogs();
    const f = follower(logs.logger);
    await f.start();
    f.stop();
    await db.schema.renameTable('strangler_route_state', 'moved_away');
    await f.poll();
    expect((await logs.entries()).filter((e) => e['level'] === 'error').map((e) => e['message'])).toEqual([
      'route state store unreachable; the table in service keeps serving',
    ]);
    await db.schema.renameTable('moved_away', 'strangler_route_state');
  });
});

describe('list, explain and changes over an unreadable version', () => {
  let control: ControlService;

  beforeEach(async () => {
    control = new ControlService({ store, baseline: twoRouteTable });
    await writeStateRow(db, 2, overlayText({ products: { mode: 'dark' } }, 2));
  });

  it('list shows the version gateways serve, and names the one they cannot read', async () => {
    const list = await control.list();
    expect(list.version).toBe(1);
    expect(list.routes.find((r) => r.id === 'products')?.state).toEqual({ mode: 'shadow' });
    expect(list.unreadable).toEqual([{ version: 2, issues: [{ path: 'overlay.products.mode', message: expect.any(String) }] }]);
  });

  it('explain says the same', async () => {
    const x = await control.explain('GET', '/api/products/1', new Date(0));
    expect(x.version).toBe(1);
    expect(x.unreadable?.map((u) => u.version)).toEqual([2]);
  });

  it('a flip or a rollback is refused: it would build on a version it cannot read, and drop what that says', async () => {
    const flip = await refusal(control.flip('orders', { to: 'shadow', reason: 'observe' }, 'jest'));
    expect(flip.code).toBe('unreadable-state');
    expect(flip.message).toMatch(/version 2 .*overlay\.products\.mode/);
    expect((await refusal(control.rollback('products', {}, 'jest'))).code).toBe('unreadable-state');
    expect(await store.latestVersion()).toBe(2);
  });

  it('nothing is noted once the store holds a readable newest version again', async () => {
    await writeStateRow(db, 3, overlayText({ products: { mode: 'new' } }, 3));
    const list = await control.list();
    expect(list.version).toBe(3);
    expect(list).not.toHaveProperty('unreadable');
  });
});
