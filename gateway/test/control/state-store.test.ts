import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlError } from '../../src/control/errors';
import { openStateStore, type AuditDraft, type StateStore } from '../../src/control/state-store';
import type { Overlay, RouteState } from '../../src/control/types';

/** The route state store on SQLite files and in memory (issue 5). */

const T0 = new Date('2030-01-02T03:04:00.000Z');

function draft(routeId: string, from: RouteState, to: RouteState, reason = 'test'): AuditDraft {
  return { routeId, action: 'flip', from, to, reason, forced: false, undoes: null, actor: 'tester', via: 'jest' };
}

function overlayWith(routeId: string, state: RouteState, version: number): Overlay {
  return { [routeId]: { ...state, version } };
}

function codeOf(e: unknown): string {
  return e instanceof ControlError ? e.code : `not a ControlError: ${String(e)}`;
}

describe('state store on a temp SQLite file, two instances', () => {
  let dir: string;
  let file: string;
  let a: StateStore;
  let b: StateStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-state-'));
    file = path.join(dir, 'state.sqlite');
    a = openStateStore(`sqlite:${file}`);
    b = openStateStore(`sqlite:${file}`);
    await a.migrate();
    await b.migrate(); // the tables exist already: a no-op
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts at version 0 with an empty overlay', async () => {
    expect(await a.latestVersion()).toBe(0);
    expect(await b.current()).toEqual({ version: 0, overlay: {} });
  });

  it("each instance sees the other's versions, overlays and audit entries", async () => {
    const r1 = await a.append(0, overlayWith('products', { mode: 'shadow' }, 1), draft('products', { mode: 'legacy' }, { mode: 'shadow' }), T0);
    expect(r1.version).toBe(1);
    expect(await b.latestVersion()).toBe(1);
    expect(await b.current()).toEqual({ version: 1, overlay: { products: { mode: 'shadow', version: 1 } } });

    const r2 = await b.append(1, overlayWith('products', { mode: 'canary', percent: 12.5 }, 2), draft('products', { mode: 'shadow' }, { mode: 'canary', percent: 12.5 }), T0);
    expect(r2.version).toBe(2);
    expect(await a.latestVersion()).toBe(2);
    expect((await a.current()).overlay).toEqual({ products: { mode: 'canary', percent: 12.5, version: 2 } });
    expect((await a.history()).map((e) => e.version)).toEqual([2, 1]);
    expect((await a.overlayAt(1)).overlay).toEqual({ products: { mode: 'shadow', version: 1 } });
  });

  it('a write at a version the other instance already wrote → stale-version, nothing written', async () => {
    await a.append(0, overlayWith('products', { mode: 'shadow' }, 1), draft('products', { mode: 'legacy' }, { mode: 'shadow' }), T0);
    const late = await b.append(0, overlayWith('orders', { mode: 'shadow' }, 1), draft('orders', { mode: 'legacy' }, { mode: 'shadow' }), T0).then(
      () => 'written',
      codeOf,
    );
    expect(late).toBe('stale-version');
    expect(await a.latestVersion()).toBe(1);
    expect((await b.current()).overlay).toEqual({ products: { mode: 'shadow', version: 1 } });
    expect(await b.history()).toHaveLength(1);
  });

  it('concurrent appends at the same expected version: exactly one succeeds, the other gets stale-version', async () => {
    const results = await Promise.allSettled([
      a.append(0, overlayWith('products', { mode: 'shadow' }, 1), draft('products', { mode: 'legacy' }, { mode: 'shadow' }, 'from a'), T0),
      b.append(0, overlayWith('orders', { mode: 'shadow' }, 1), draft('orders', { mode: 'legacy' }, { mode: 'shadow' }, 'from b'), T0),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(codeOf(lost[0]?.reason)).toBe('stale-version');
    // The store holds the winner's version only: one state row, one audit entry, consistent with each other.
    expect(await a.latestVersion()).toBe(1);
    const history = await b.history();
    expect(history).toHaveLength(1);
    const winner = history[0]!.routeId;
    expect(Object.keys((await a.current()).overlay)).toEqual([winner]);
  }, 20_000);

  it('concurrent appends on one instance: exactly one succeeds, the other gets stale-version', async () => {
    const results = await Promise.allSettled(
      ['one', 'two', 'three'].map((id) => a.append(0, overlayWith(id, { mode: 'shadow' }, 1), draft(id, { mode: 'legacy' }, { mode: 'shadow' }), T0)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost.map((r) => codeOf(r.reason))).toEqual(['stale-version', 'stale-version']);
    expect(await b.history()).toHaveLength(1);
  });

  it('the data survives closing and reopening the file', async () => {
    await a.append(0, overlayWith('products', { mode: 'new' }, 1), draft('products', { mode: 'canary', percent: 5 }, { mode: 'new' }), T0);
    await a.close();
    a = openStateStore(`sqlite:${file}`);
    await a.migrate();
    expect(await a.current()).toEqual({ version: 1, overlay: { products: { mode: 'new', version: 1 } } });
    expect((await a.history())[0]).toMatchObject({ from: { mode: 'canary', percent: 5 }, to: { mode: 'new' } });
  });
});

describe('state store in memory', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = openStateStore('sqlite::memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  it('append numbers and stamps the audit entry', async () => {
    const result = await store.append(0, overlayWith('products', { mode: 'shadow' }, 1), draft('products', { mode: 'legacy' }, { mode: 'shadow' }, 'observe'), T0);
    expect(result.version).toBe(1);
    expect(Number.isInteger(result.entry.id)).toBe(true);
    expect(result.entry).toEqual({
      id: result.entry.id,
      version: 1,
      at: T0.toISOString(),
      actor: 'tester',
      via: 'jest',
      routeId: 'products',
      action: 'flip',
      from: { mode: 'legacy' },
      to: { mode: 'shadow' },
      reason: 'observe',
      forced: false,
      undoes: null,
    });
    expect(await store.history()).toEqual([result.entry]);
  });

  it.each([[0.07], [1.1], [4.35], [12.5], [33.33], [99.99]])('a canary percent of %p round-trips exactly through the audit log', async (percent) => {
    await store.append(0, overlayWith('products', { mode: 'canary', percent }, 1), draft('products', { mode: 'shadow' }, { mode: 'canary', percent }), T0);
    const [entry] = await store.history();
    expect(entry?.to).toEqual({ mode: 'canary', percent });
    expect((await store.current()).overlay['products']).toEqual({ mode: 'canary', percent, version: 1 });
  });

  it('history: newest first, filtered by route, limited', async () => {
    let v = 0;
    for (const id of ['a', 'b', 'a', 'c', 'a']) {
      await store.append(v, overlayWith(id, { mode: 'shadow' }, v + 1), draft(id, { mode: 'legacy' }, { mode: 'shadow' }), T0);
      v++;
    }
    expect((await store.history()).map((e) => e.version)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.history('a')).map((e) => e.version)).toEqual([5, 3, 1]);
    expect((await store.history('a', 2)).map((e) => e.version)).toEqual([5, 3]);
    expect(await store.history('nobody')).toEqual([]);
  });

  it('overlayAt: version 0 is empty; a version never written is an error', async () => {
    expect(await store.overlayAt(0)).toEqual({ version: 0, overlay: {} });
    await expect(store.overlayAt(3)).rejects.toThrow(/version 3/);
  });

  it('traffic: summed per upstream over minutes and replicas, since a time', async () => {
    const minute = Math.floor(T0.getTime() / 60_000);
    await store.addTraffic('replica-1', [
      { routeId: 'products', upstream: 'legacy', minute: minute - 10, requests: 100 },
      { routeId: 'products', upstream: 'legacy', minute, requests: 3 },
      { routeId: 'products', upstream: 'fresh', minute, requests: 5 },
      { routeId: 'orders', upstream: 'legacy', minute, requests: 7 },
    ]);
    // The same route, upstream, minute and replica again: added, not replaced.
    await store.addTraffic('replica-1', [{ routeId: 'products', upstream: 'fresh', minute, requests: 2 }]);
    await store.addTraffic('replica-2', [{ routeId: 'products', upstream: 'fresh', minute: minute + 1, requests: 4 }]);
    await store.addTraffic('replica-2', []);

    expect(await store.traffic('products', T0)).toEqual([
      { upstream: 'fresh', requests: 11, lastSeen: new Date((minute + 1) * 60_000).toISOString() },
      { upstream: 'legacy', requests: 3, lastSeen: new Date(minute * 60_000).toISOString() },
    ]);
    const earlier = new Date(T0.getTime() - 11 * 60_000);
    expect((await store.traffic('products', earlier)).find((t) => t.upstream === 'legacy')?.requests).toBe(103);
    expect(await store.traffic('products', new Date(T0.getTime() + 60 * 60_000))).toEqual([]);
    expect(await store.traffic('nothing', earlier)).toEqual([]);
  });

  it('a bad store URL is refused without repeating it', () => {
    let message = '';
    try {
      openStateStore('postgres://user:secret@host/db');
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toMatch(/unsupported state store URL/);
    expect(message).not.toContain('secret');
  });
});
