import type { Knex } from 'knex';
import { ControlService } from '../../src/control/control';
import { ControlError } from '../../src/control/errors';
import { StateFollower } from '../../src/control/follower';
import { KnexStateStore } from '../../src/control/state-store';
import { openStateDb } from '../../src/control/store-db';
import type { RouteTable } from '../../src/config/table';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { captureLogs, overlayText, twoRouteTable, writeAuditRow, writeStateRow } from '../control/stored-rows-kit';

/**
 * Rows written by another gateway version, on MariaDB as a fleet shares it: mysql2 hands back
 * BIGINT, TINYINT and SUM() in its own forms, and the row schemas read them as SQLite's.
 */

let server: TestDatabase;
let db: Knex;
let store: KnexStateStore;

beforeAll(async () => {
  server = await createTestDatabase();
  db = openStateDb(server.url);
  store = new KnexStateStore(db);
  await store.migrate();
}, 60_000);

afterAll(async () => {
  await store?.close();
  await server?.drop();
});

beforeEach(async () => {
  for (const table of ['strangler_route_state', 'strangler_route_audit', 'strangler_route_traffic']) await db(table).delete();
  await writeStateRow(db, 1, overlayText({ products: { mode: 'canary', percent: 12.5 } }, 1));
});

it('an unknown mode in the newest version: refused by current(), skipped by readable() naming version and field', async () => {
  await writeStateRow(db, 2, overlayText({ products: { mode: 'dark' } }, 2));
  const refused = await store.current().then(
    () => null,
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(ControlError);
  expect(refused).toMatchObject({ code: 'unreadable-state', message: expect.stringMatching(/version 2 .*overlay\.products\.mode/) });
  expect(await store.readable()).toEqual({
    state: { version: 1, overlay: { products: { mode: 'canary', percent: 12.5, version: 1 } } },
    unreadable: [{ version: 2, issues: [{ path: 'overlay.products.mode', message: expect.any(String) }] }],
  });
});

it('the follower keeps serving version 1, says so once, never "unreachable", and applies version 3', async () => {
  const baseline: RouteTable = twoRouteTable();
  const served: RouteTable[] = [];
  const logs = captureLogs();
  const follower = new StateFollower({ store, logger: logs.logger, swap: (t) => served.push(t), pollMs: 60_000 }, baseline);
  await follower.start();
  follower.stop();
  await writeStateRow(db, 2, overlayText({ products: { mode: 'canary', percent: 100 } }, 2));
  await follower.poll();
  await follower.poll();
  expect(follower.version()).toBe(1);
  expect(served).toHaveLength(1);
  const errors = (await logs.entries()).filter((e) => e['level'] === 'error');
  expect(errors.map((e) => e['message'])).toEqual([expect.stringMatching(/^route state version 2 cannot be read by this gateway: overlay\.products\.percent: .*; version 1 keeps serving$/)]);

  await writeStateRow(db, 3, overlayText({ products: { mode: 'new' } }, 3));
  await follower.poll();
  expect(follower.version()).toBe(3);
  expect(served.at(-1)?.routes.find((r) => r.id === 'products')?.mode).toBe('new');
  expect(JSON.stringify(await logs.entries())).not.toMatch(/unreachable/);
});

it('list names the unreadable version; audit rows read BIGINT and TINYINT columns; a bad one is named by column', async () => {
  await writeStateRow(db, 2, '{"products":');
  const control = new ControlService({ store, baseline: twoRouteTable });
  const list = await control.list();
  expect(list).toMatchObject({ version: 1, unreadable: [{ version: 2, issues: [{ path: 'overlay', message: expect.stringMatching(/not valid JSON/) }] }] });

  await writeAuditRow(db, 1, { to_mode: 'canary', to_percent: 1250, forced: true });
  expect(await store.history()).toEqual([expect.objectContaining({ version: 1, to: { mode: 'canary', percent: 12.5 }, forced: true, at: '2030-01-02T03:04:05.000Z' })]);
  await writeAuditRow(db, 2, { from_mode: 'dark' });
  await expect(store.history()).rejects.toMatchObject({ code: 'unreadable-state', message: expect.stringMatching(/from_mode: /) });
});

it('traffic sums (DECIMAL strings on mysql2) are read as numbers', async () => {
  await store.addTraffic('a', [{ routeId: 'products', upstream: 'legacy', minute: 100, requests: 2 }]);
  await store.addTraffic('b', [{ routeId: 'products', upstream: 'legacy', minute: 101, requests: 3 }]);
  expect(await store.traffic('products', new Date(0))).toEqual([{ upstream: 'legacy', requests: 5, lastSeen: new Date(101 * 60_000).toISOString() }]);
});
