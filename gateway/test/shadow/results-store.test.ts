import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateDb } from '../../src/control/store-db';
import { HOUR_MS } from '../../src/shadow/batch';
import type { ShadowResult } from '../../src/observability/metrics';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { REDACTED } from '../../src/shadow/redact';
import { ShadowStore, type ShadowStoreOptions } from '../../src/shadow/results-store';
import { T } from '../../src/shadow/results-tables';
import type { RouteShadowReport } from '../../src/shadow/types';
import { compared, diff, failure, skipped } from './outcomes';
import { eventually } from '../../../platform/test-kit/eventually';

const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-shadow-store-'));
let n = 0;
const NOW = new Date('2026-11-25T10:30:00Z');
const clock = () => NOW;
const SINCE = new Date(NOW.getTime() - 24 * HOUR_MS);

async function freshStore(options: ShadowStoreOptions = {}): Promise<{ url: string; store: ShadowStore }> {
  const url = `sqlite:${path.join(dir, `shadow-${++n}.sqlite`)}`;
  const store = new ShadowStore(openStateDb(url), { clock, ...options, ownsDb: true });
  await store.migrate();
  return { url, store };
}

const opened: (ShadowStore | ShadowRecorder)[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await (o instanceof ShadowRecorder ? o.stop() : o.close());
});

function recorderOn(store: ShadowStore, extra: Partial<ConstructorParameters<typeof ShadowRecorder>[0]> = {}): ShadowRecorder {
  const r = new ShadowRecorder({ store, clock, ...extra });
  opened.push(r);
  return r;
}

async function reportOf(store: ShadowStore, routeId: string): Promise<RouteShadowReport> {
  const [report] = await store.report(routeId, SINCE);
  if (!report) throw new Error('no report');
  return report;
}

it('aggregates totals, fields, matches and the latency of both sides', async () => {
  const { store } = await freshStore();
  opened.push(store);
  const rec = recorderOn(store);
  for (let i = 0; i < 8; i++) rec.record(compared('r', [], { legacyMs: 10, freshMs: 30 }));
  rec.record(compared('r', [diff('price'), diff('price')], { legacyMs: 10, freshMs: 30 }));
  rec.record(compared('r', [diff('price'), diff('tags', 'array-order')], { legacyMs: 10, freshMs: 30 }));
  rec.record(failure('r', 'new-error'));
  rec.record(failure('r', 'new-timeout', 2_000));
  rec.record(skipped('r', 'dropped'));
  rec.record(skipped('r', 'body-too-large'));
  rec.record(skipped('r', 'compare-error'));
  rec.record(compared('other', []));
  await rec.flush();

  const r = await reportOf(store, 'r');
  expect(r).toMatchObject({ routeId: 'r', compared: 10, matches: 8, matchRate: 0.8, noiseSampled: 0, dropped: 1, bodyTooLarge: 1, compareErrors: 1, newErrors: 1, newTimeouts: 1, truncated: 0 });
  expect(r.newErrorRate).toBeCloseTo(2 / 12);
  expect(r.since).toBe('2026-11-24T10:00:00.000Z');
  // A field counts once per request, however many times the comparator listed it.
  expect(r.fields.map((f) => [f.path, f.kind, f.raw, f.noise, f.real])).toEqual([
    ['price', 'changed', 2, 0, true],
    ['tags', 'array-order', 1, 0, true],
  ]);
  expect(r.fields[0]?.rawRate).toBeCloseTo(0.2);
  expect(r.latency.legacy).toMatchObject({ count: 10, meanMs: 10 });
  expect(r.latency.legacy.p50Ms).toBeGreaterThan(5);
  expect(r.latency.legacy.p50Ms).toBeLessThanOrEqual(10);
  expect(r.latency.new.count).toBe(12);
  expect(r.latency.new.p99Ms).toBeGreaterThanOrEqual(1_000);
  expect((await store.report(undefined, SINCE)).map((x) => x.routeId)).toEqual(['other', 'r']);
  expect(await store.report('never-shadowed', SINCE)).toEqual([expect.objectContaining({ routeId: 'never-shadowed', compared: 0, matchRate: null, newErrorRate: null, fields: [] })]);
});

it('two replicas (two stores, two recorders) add up to one report', async () => {
  const { url, store: a } = await freshStore();
  const b = new ShadowStore(openStateDb(url), { clock, ownsDb: true });
  opened.push(a, b);
  const ra = recorderOn(a);
  const rb = recorderOn(b);
  for (let i = 0; i < 30; i++) ra.record(compared('r', i % 3 === 0 ? [diff('price')] : []));
  for (let i = 0; i < 20; i++) rb.record(compared('r', i % 2 === 0 ? [diff('price')] : [], { noise: [] }));
  // One after the other: better-sqlite3 waits for a lock synchronously, so two connections in one process cannot overlap (MariaDB's test runs them at once).
  await ra.flush();
  await rb.flush();
  ra.record(compared('r', [diff('price')]));
  await ra.stop();
  const r = await reportOf(b, 'r');
  expect(r).toMatchObject({ compared: 51, noiseSampled: 20, matches: 30 });
  expect(r.fields).toEqual([expect.objectContaining({ path: 'price', raw: 21, noise: 0, real: true })]);
  expect(r.latency.legacy.count).toBe(51);
});

it('matches are decided at report time: a field learned to be noise stops counting against stored requests', async () => {
  const { store } = await freshStore();
  opened.push(store);
  const rec = recorderOn(store);
  for (let i = 0; i < 10; i++) rec.record(compared('r', [diff('updatedAt')]));
  rec.record(compared('r', [diff('updatedAt'), diff('price')]));
  await rec.flush();
  let r = await reportOf(store, 'r');
  // No noise evidence yet: every difference is real.
  expect(r).toMatchObject({ compared: 11, matches: 0, matchRate: 0 });
  expect(r.fields.find((f) => f.path === 'updatedAt')?.real).toBe(true);

  // The second legacy call differs on updatedAt as often as new does: it is noise.
  for (let i = 0; i < 5; i++) rec.record(compared('r', [diff('updatedAt')], { noise: [diff('updatedAt')] }));
  await rec.flush();
  r = await reportOf(store, 'r');
  expect(r.fields.map((f) => [f.path, f.real])).toEqual([
    ['price', true],
    ['updatedAt', false],
  ]);
  expect(r.fields[1]).toMatchObject({ raw: 16, noise: 5, rawRate: 1, noiseRate: 1 });
  expect(r).toMatchObject({ compared: 16, matches: 15 });
});

it('caps distinct fingerprints per route and hour; the overflow never counts as a match', async () => {
  const { store } = await freshStore({ maxFingerprints: 2 });
  opened.push(store);
  const rec = recorderOn(store);
  for (const field of ['a', 'b']) rec.record(compared('r', [diff(field)], { noise: [diff(field)] }));
  await rec.flush();
  // Two more shapes in a later flush: the store has no room left for them.
  for (const field of ['c', 'd']) rec.record(compared('r', [diff(field)], { noise: [diff(field)] }));
  rec.record(compared('r', [diff('a')], { noise: [diff('a')] }));
  await rec.flush();
  const r = await reportOf(store, 'r');
  // Every field is noise (as often legacy→legacy as legacy→new), yet c and d had no fingerprint kept.
  expect(r.fields.every((f) => !f.real)).toBe(true);
  expect(r).toMatchObject({ compared: 5, matches: 3 });
});

it('keeps the newest few samples per field, redacted, with bodies capped', async () => {
  const { url, store } = await freshStore({ samplesPerField: 3, sampleBodyBytes: 64 });
  opened.push(store);
  const rec = recorderOn(store, { limits: { samplesPerField: 3 } });
  const secret = { authorization: 'Bearer s3cr3t', cookie: 'sid=abc', 'x-api-key': 'k', 'x-session-id': 'sess', 'x-client-secret': 'cs', accept: 'application/json' };
  for (let flush = 0; flush < 3; flush++) {
    for (let i = 0; i < 4; i++) {
      const o = compared('r', [diff('price'), diff('name')], { headers: secret, path: `/p/${flush * 4 + i}?access_token=tok&page=2` });
      if (o.kind === 'compared') rec.record({ ...o, fresh: { ...o.fresh, headers: { 'set-cookie': 'sid=xyz', 'x-auth-token': 't' }, body: { text: 'x'.repeat(500) } } });
    }
    await rec.flush();
  }
  const r = await reportOf(store, 'r');
  const price = r.fields.find((f) => f.path === 'price');
  expect(price?.samples.map((s) => s.request.path)).toEqual(['/p/11?access_token=[redacted]&page=2', '/p/10?access_token=[redacted]&page=2', '/p/9?access_token=[redacted]&page=2']);
  const s = price?.samples[0];
  expect(s?.request.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, 'x-session-id': REDACTED, 'x-client-secret': REDACTED, accept: 'application/json' });
  expect(s?.new.headers).toEqual({ 'set-cookie': REDACTED, 'x-auth-token': REDACTED });
  expect(s?.new.truncated).toBe(true);
  expect(typeof s?.new.body === 'string' && s.new.body.length <= 64).toBe(true);
  expect(s?.legacy).toMatchObject({ body: { id: 1, price: 10 }, truncated: false });
  expect(s?.differences).toEqual([diff('price'), diff('name')]);
  // One stored sample serves both fields, and nothing beyond the newest three is left in the database.
  const db = openStateDb(url);
  try {
    expect(await db(T.samples).count({ n: '*' })).toEqual([{ n: 3 }]);
    expect(await db(T.sampleFields).count({ n: '*' })).toEqual([{ n: 6 }]);
    expect(JSON.stringify(await db(T.samples).select('sample'))).not.toMatch(/s3cr3t|sid=abc|sid=xyz|access_token=tok/);
  } finally {
    await db.destroy();
  }
});

it('retention deletes hours and samples older than it, at most once per interval', async () => {
  let storeNow = new Date('2026-11-01T10:00:00Z');
  let recordNow = storeNow;
  const { url, store } = await freshStore({ clock: () => storeNow, retentionMs: 7 * 24 * HOUR_MS, pruneEveryMs: 60_000 });
  opened.push(store);
  const rec = recorderOn(store, { clock: () => recordNow });
  const all = async () => (await store.report('r', new Date(0)))[0];
  rec.record(compared('r', [diff('price')]));
  await rec.flush();
  storeNow = recordNow = new Date('2026-11-09T10:00:00Z');
  rec.record(compared('r', []));
  await rec.flush();
  expect(await all()).toMatchObject({ compared: 1, fields: [] });

  // A stale hour arriving within the interval stays until the next prune.
  recordNow = new Date('2026-11-01T11:00:00Z');
  rec.record(compared('r', [diff('name')]));
  await rec.flush();
  expect((await all())?.compared).toBe(2);
  storeNow = new Date(storeNow.getTime() + 61_000);
  await store.add([]);
  expect(await all()).toMatchObject({ compared: 1, fields: [] });
  const db = openStateDb(url);
  try {
    expect(await db(T.samples).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db(T.sampleFields).count({ n: '*' })).toEqual([{ n: 0 }]);
  } finally {
    await db.destroy();
  }
});

it('a failed flush keeps its counts and its samples for the next one, without counting twice', async () => {
  const { store } = await freshStore();
  opened.push(store);
  let fail = true;
  const errors: string[] = [];
  const flaky = { add: (b: Parameters<ShadowStore['add']>[0]) => (fail ? Promise.reject(new Error('database down')) : store.add(b)), verdicts: (s: Date) => store.verdicts(s) };
  const rec = recorderOn(store, { store: flaky, onError: (what) => errors.push(what) });
  for (let i = 0; i < 3; i++) rec.record(compared('r', [diff('price')], { path: `/old/${i}` }));
  await rec.flush();
  expect(errors).toEqual(['flush']);
  expect(rec.pendingCompared('r')).toBe(3);
  rec.record(compared('r', [], { path: '/new' }));
  rec.record(compared('r', [diff('price')], { path: '/newest' }));
  fail = false;
  await rec.flush();
  await rec.flush();
  const r = await reportOf(store, 'r');
  expect(r).toMatchObject({ compared: 5, matches: 1 });
  expect(r.fields[0]?.raw).toBe(4);
  expect(r.fields[0]?.samples.map((s) => s.request.path)).toEqual(['/newest', '/old/2', '/old/1', '/old/0']);
});

it('counts match and mismatch for Prometheus against the noise it has learned', async () => {
  const { store } = await freshStore();
  opened.push(store);
  const seen: string[] = [];
  const rec = recorderOn(store, { metrics: { shadow: (route: string, result: ShadowResult) => seen.push(`${route}:${result}`) } });
  rec.record(compared('r', [diff('updatedAt')], { noise: [diff('updatedAt')] }));
  rec.record(failure('r', 'new-timeout'));
  rec.record(skipped('r', 'dropped'));
  // Nothing learned yet: a differing field counts as real.
  expect(seen).toEqual(['r:mismatch', 'r:new_timeout', 'r:dropped']);
  await rec.flush();
  await rec.refresh();
  rec.record(compared('r', [diff('updatedAt')]));
  rec.record(compared('r', [diff('updatedAt'), diff('price')]));
  rec.record(compared('r', []));
  expect(seen.slice(3)).toEqual(['r:match', 'r:mismatch', 'r:match']);
});

it('start() flushes on its own every interval; stop() flushes the rest', async () => {
  const { store } = await freshStore();
  opened.push(store);
  const rec = new ShadowRecorder({ store, clock, flushEveryMs: 20, refreshEveryMs: 20 });
  rec.start();
  rec.record(compared('r', []));
  await eventually(async () => (await reportOf(store, 'r')).compared === 1);
  rec.record(compared('r', []));
  await rec.stop();
  expect((await reportOf(store, 'r')).compared).toBe(2);
});

it('a reverse shadow’s failed copies to legacy are counted as legacy’s, never in the new side’s error rate', async () => {
  const { store } = await freshStore();
  opened.push(store);
  const rec = recorderOn(store);
  for (let i = 0; i < 6; i++) rec.record(compared('r', []));
  rec.record(failure('r', 'legacy-error', 40));
  rec.record(failure('r', 'legacy-timeout', 2_000));
  rec.record(failure('r', 'legacy-timeout', 2_000));
  await rec.flush();

  const r = await reportOf(store, 'r');
  expect(r).toMatchObject({ compared: 6, matches: 6, newErrors: 0, newTimeouts: 0, legacyErrors: 1, legacyTimeouts: 2, newErrorRate: 0 });
  // Their latency is legacy's.
  expect(r.latency.legacy.count).toBe(9);
  expect(r.latency.new.count).toBe(6);
});

it('a totals table from before the legacy counts gets their columns at migrate, its rows kept and read as 0', async () => {
  const url = `sqlite:${path.join(dir, `shadow-${++n}.sqlite`)}`;
  const db = openStateDb(url);
  const hour = Math.floor(NOW.getTime() / HOUR_MS);
  await db.schema.createTable(T.totals, (t) => {
    t.string('route_id', 128).notNullable();
    t.bigInteger('hour').notNullable().index();
    for (const c of ['compared', 'noise_sampled', 'identical', 'dropped', 'body_too_large', 'truncated', 'new_errors', 'new_timeouts', 'compare_errors', 'fp_overflow']) t.bigInteger(c).notNullable().defaultTo(0);
    t.primary(['route_id', 'hour']);
  });
  await db(T.totals).insert({ route_id: 'r', hour, compared: 4, identical: 4, new_errors: 1 });
  await db.destroy();

  const store = new ShadowStore(openStateDb(url), { clock, ownsDb: true });
  opened.push(store);
  await store.migrate();
  await store.migrate(); // a second replica, or a restart: nothing left to add
  expect(await reportOf(store, 'r')).toMatchObject({ compared: 4, matches: 4, newErrors: 1, legacyErrors: 0, legacyTimeouts: 0 });
  const rec = recorderOn(store);
  rec.record(failure('r', 'legacy-error'));
  await rec.flush();
  expect(await reportOf(store, 'r')).toMatchObject({ compared: 4, newErrors: 1, legacyErrors: 1 });
});
