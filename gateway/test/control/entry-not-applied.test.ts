import type { Knex } from 'knex';
import { StateFollower } from '../../src/control/follower';
import type { KnexStateStore } from '../../src/control/state-store';
import { captureLogs, memoryStateStore, overlayText, twoRouteTable, writeStateRow } from './stored-rows-kit';

/**
 * A state entry the table in service cannot take (a route the file no longer has, a mode a route
 * cannot be in) is skipped with a warning; the warning names the route table file it was laid
 * over, so an operator knows which routes.json to look at.
 */

let db: Knex;
let store: KnexStateStore;

beforeEach(async () => {
  ({ db, store } = await memoryStateStore());
});

afterEach(() => store.close());

const notApplied = (entries: Record<string, unknown>[]) => entries.filter((e) => e.message === 'route state entry not applied');

it('names the route table file in each skipped entry, and the reloaded file after a reload', async () => {
  // `gone` is not in the file; the catch-all has no new side to be flipped to.
  await writeStateRow(db, 1, overlayText({ gone: { mode: 'new' }, 'catch-all': { mode: 'new' }, products: { mode: 'shadow' } }, 1));
  const logs = captureLogs();
  const follower = new StateFollower({ store, logger: logs.logger, swap: () => undefined, pollMs: 60_000 }, twoRouteTable('/srv/gateway/routes.json'));
  await follower.start();
  follower.stop();

  const first = notApplied(await logs.entries());
  expect(first).toEqual([
    expect.objectContaining({ level: 'warn', route: 'gone', version: 1, table: '/srv/gateway/routes.json', reason: 'routes.json has no such route' }),
    expect.objectContaining({ level: 'warn', route: 'catch-all', version: 1, table: '/srv/gateway/routes.json', reason: expect.any(String) }),
  ]);

  follower.setBaseline(twoRouteTable('/srv/gateway/routes.next.json'));
  const after = notApplied(await logs.entries()).slice(first.length);
  expect(after.map((e) => [e.route, e.table])).toEqual([
    ['gone', '/srv/gateway/routes.next.json'],
    ['catch-all', '/srv/gateway/routes.next.json'],
  ]);
});
