import { ControlError } from '../../src/control/errors';
import { openStateStore, type AuditDraft, type StateStore } from '../../src/control/state-store';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';

/** The state store on MariaDB, as a fleet uses it: several stores (replicas) on one database. */

let db: TestDatabase;
let a: StateStore;
let b: StateStore;

const draft = (routeId: string, percent?: number): AuditDraft => ({
  routeId,
  action: 'flip',
  from: { mode: 'shadow' },
  to: percent === undefined ? { mode: 'new' } : { mode: 'canary', percent },
  reason: 'mysql test',
  forced: false,
  undoes: null,
  actor: 'tester',
  via: 'test',
});

beforeAll(async () => {
  db = await createTestDatabase();
  a = openStateStore(db.url);
  b = openStateStore(db.url);
  // Both replicas migrate at once on an empty database: whoever loses the race to create a table carries on.
  await Promise.all([a.migrate(), b.migrate()]);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

it('starts at version 0 with an empty overlay', async () => {
  expect(await b.current()).toEqual({ version: 0, overlay: {} });
});

it('concurrent appends at one version: exactly one wins, the other is told the state moved on', async () => {
  const results = await Promise.allSettled([
    a.append(0, { x: { mode: 'new', version: 1 } }, draft('x'), new Date()),
    b.append(0, { y: { mode: 'canary', percent: 12.34, version: 1 } }, draft('y', 12.34), new Date()),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect(lost[0]?.reason).toBeInstanceOf(ControlError);
  expect((lost[0]?.reason as ControlError).code).toBe('stale-version');
  expect(await a.latestVersion()).toBe(1);
  expect(await b.history()).toHaveLength(1);
});

it('percentages and timestamps round-trip exactly (no DECIMAL strings, no float drift)', async () => {
  const at = new Date('2026-11-25T10:11:12.345Z');
  const v = await a.latestVersion();
  await a.append(v, { z: { mode: 'canary', percent: 4.35, version: v + 1 } }, draft('z', 4.35), at);
  const [entry] = await b.history('z');
  expect(entry).toMatchObject({ routeId: 'z', to: { mode: 'canary', percent: 4.35 }, at: at.toISOString(), forced: false, undoes: null });
  expect((await b.current()).overlay.z).toEqual({ mode: 'canary', percent: 4.35, version: v + 1 });
  expect((await b.overlayAt(v)).overlay.z).toBeUndefined();
});

it('traffic from several replicas adds up, from a given time on', async () => {
  const minute = Math.floor(Date.parse('2026-11-25T10:00:00Z') / 60_000);
  await a.addTraffic('a', [{ routeId: 'r', upstream: 'monolith', minute, requests: 3 }]);
  await a.addTraffic('a', [{ routeId: 'r', upstream: 'monolith', minute, requests: 2 }]);
  await b.addTraffic('b', [
    { routeId: 'r', upstream: 'monolith', minute: minute + 5, requests: 4 },
    { routeId: 'r', upstream: 'catalog', minute: minute + 5, requests: 7 },
  ]);
  expect(await a.traffic('r', new Date(minute * 60_000))).toEqual([
    { upstream: 'catalog', requests: 7, lastSeen: new Date((minute + 5) * 60_000).toISOString() },
    { upstream: 'monolith', requests: 9, lastSeen: new Date((minute + 5) * 60_000).toISOString() },
  ]);
  expect(await b.traffic('r', new Date((minute + 1) * 60_000))).toEqual([
    { upstream: 'catalog', requests: 7, lastSeen: new Date((minute + 5) * 60_000).toISOString() },
    { upstream: 'monolith', requests: 4, lastSeen: new Date((minute + 5) * 60_000).toISOString() },
  ]);
});
