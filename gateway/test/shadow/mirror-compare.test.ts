import { openStateDb } from '../../src/control/store-db';
import type http from 'node:http';
import { HOUR_MS } from '../../src/shadow/batch';
import { classifyFields, type FieldCounts } from '../../src/shadow/classify';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import type { DiffKind, RouteShadowReport, ShadowOutcome } from '../../src/shadow/types';
import type { RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';
import { json, pool, ROUTE, send, shadowTable, startShadowGateway, visible, type OutcomeLog, type TableOptions } from './kit';

/**
 * Issue 6, compare and noise, end to end: real traffic through a gateway in mode shadow, the
 * outcomes recorded by a ShadowRecorder into a ShadowStore on SQLite in memory, and the report
 * read back. A difference planted in every tenth answer of the new side is reported on exactly
 * that field at 10%; a timestamp that differs on every call on both sides is noise and does not
 * lower the match rate; array order counts only where order matters; ignored paths are dropped.
 */

const upstreams: TestUpstream[] = [];
const gateways: RunningGateway[] = [];
const stores: ShadowStore[] = [];

afterAll(async () => {
  for (const g of gateways) await g.close();
  for (const u of upstreams) await u.close();
  for (const s of stores) await s.close();
});

async function upstream(handler: UpstreamHandler): Promise<TestUpstream> {
  const u = await startUpstream(handler);
  upstreams.push(u);
  return u;
}

/** A gateway in mode shadow whose outcomes also go, live, to a recorder on an in-memory store. */
async function shadowStack(legacy: UpstreamHandler, fresh: UpstreamHandler, options: TableOptions): Promise<{ gw: RunningGateway; outcomes: OutcomeLog; report: () => Promise<RouteShadowReport> }> {
  const [l, f] = [await upstream(legacy), await upstream(fresh)];
  const store = new ShadowStore(openStateDb('sqlite::memory:'), { ownsDb: true });
  stores.push(store);
  await store.migrate();
  const recorder = new ShadowRecorder({ store });
  const { gw, outcomes } = await startShadowGateway(shadowTable(l.url, f.url, options), (o) => recorder.record(o));
  gateways.push(gw);
  return {
    gw,
    outcomes,
    report: async () => {
      await recorder.stop();
      const [r] = await store.report(ROUTE, new Date(Date.now() - HOUR_MS));
      if (!r) throw new Error('no report for the route');
      return r;
    },
  };
}

const idOf = (req: http.IncomingMessage): number => Number(/\/products\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
const product = (id: number, amount = 10) => ({ id, name: `Product ${id}`, price: { amount, currency: 'EUR' }, stock: { warehouse: 'north', quantity: id % 7 } });

/** Every tenth product (id a multiple of 10) costs 11 on the new side. */
const planted: UpstreamHandler = (req, res) => {
  const id = idOf(req);
  json(res, product(id, id % 10 === 0 ? 11 : 10));
};
const faithful: UpstreamHandler = (req, res) => json(res, product(idOf(req)));

let stamp = 0;
/** A generated timestamp and id on every answer, as real services have. */
const stamped =
  (inner: (id: number) => Record<string, unknown>): UpstreamHandler =>
  (req, res) =>
    json(res, { ...inner(idOf(req)), generatedAt: new Date(Date.UTC(2026, 0, 1) + ++stamp).toISOString(), traceId: `t-${stamp}` });

const paths = (o: ShadowOutcome) => (o.kind === 'compared' ? o.differences.map((d) => `${d.kind} ${d.path}`) : [o.kind]);

async function burst(gw: RunningGateway, n: number): Promise<void> {
  const answers = await pool(n, 20, (i) => send(gw.url, `/products/${i + 1}`));
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
}

describe('a difference planted in 10% of the new side’s answers', () => {
  const N = 500;
  let outcomes: OutcomeLog;
  let report: RouteShadowReport;

  beforeAll(async () => {
    const stack = await shadowStack(faithful, planted, {});
    await burst(stack.gw, N);
    await stack.outcomes.atLeast(N);
    outcomes = stack.outcomes;
    report = await stack.report();
  });

  it('every request was compared (nothing dropped, nothing failed)', () => {
    expect(outcomes.all.map((o) => o.kind)).toEqual(outcomes.all.map(() => 'compared'));
    expect(outcomes.all).toHaveLength(N);
  });

  it('shows up in the outcomes on exactly that field, in exactly the planted requests', () => {
    const differing = outcomes.compared().filter((o) => o.differences.length > 0);
    expect(differing).toHaveLength(N / 10);
    for (const o of differing) {
      expect(o.differences).toEqual([{ path: 'price.amount', kind: 'changed' }]);
      expect(Number(/\d+$/.exec(o.request.path)?.[0]) % 10).toBe(0);
    }
  });

  it('is reported on that field alone, at 10%, as real, with a 90% match rate', () => {
    expect(report).toMatchObject({ routeId: ROUTE, compared: N, matches: N - N / 10, dropped: 0, newErrors: 0, newTimeouts: 0, compareErrors: 0, truncated: 0 });
    expect(report.matchRate).toBeCloseTo(0.9, 10);
    expect(report.fields.map((f) => [f.path, f.kind, f.raw, f.real])).toEqual([['price.amount', 'changed', N / 10, true]]);
    expect(report.fields[0]?.rawRate).toBeCloseTo(0.1, 10);
    expect(report.fields[0]?.noise).toBe(0);
    // Samples illustrate the field with both answers.
    const sample = report.fields[0]?.samples[0];
    expect(sample?.differences).toEqual([{ path: 'price.amount', kind: 'changed' }]);
    expect(sample?.new.body).toMatchObject({ price: { amount: 11 } });
    expect(sample?.legacy.body).toMatchObject({ price: { amount: 10 } });
  });

  it('the latency of both sides is in the record', () => {
    expect(report.latency.legacy.count).toBe(N);
    expect(report.latency.new.count).toBe(N);
  });
});

describe('a timestamp that differs on every call, on both sides', () => {
  const N = 200;
  let outcomes: OutcomeLog;
  let report: RouteShadowReport;

  beforeAll(async () => {
    const stack = await shadowStack(
      stamped((id) => product(id)),
      stamped((id) => product(id, id % 10 === 0 ? 11 : 10)),
      { shadow: { noiseSample: 1 } },
    );
    await burst(stack.gw, N);
    await stack.outcomes.atLeast(N);
    outcomes = stack.outcomes;
    report = await stack.report();
  });

  it('differs legacy → new and legacy → legacy on every request', () => {
    expect(outcomes.compared()).toHaveLength(N);
    for (const o of outcomes.compared()) {
      expect(o.differences).toEqual(expect.arrayContaining([{ path: 'generatedAt', kind: 'changed' }, { path: 'traceId', kind: 'changed' }]));
      expect(o.noise).toEqual([
        { path: 'generatedAt', kind: 'changed' },
        { path: 'traceId', kind: 'changed' },
      ]);
    }
  });

  it('is classified as noise, and the match rate is what the planted difference alone makes it', () => {
    expect(report.noiseSampled).toBe(N);
    const byPath = new Map(report.fields.map((f) => [`${f.kind} ${f.path}`, f]));
    for (const p of ['changed generatedAt', 'changed traceId']) {
      expect(byPath.get(p)).toMatchObject({ raw: N, noise: N, real: false });
    }
    expect(byPath.get('changed price.amount')).toMatchObject({ raw: N / 10, noise: 0, real: true });
    expect(report.matches).toBe(N - N / 10);
    expect(report.matchRate).toBeCloseTo(0.9, 10);
  });

  it('classify.ts agrees when counting from the outcomes alone', () => {
    const counts = new Map<string, { path: string; kind: DiffKind; raw: number; noise: number }>();
    const bump = (path: string, kind: DiffKind, which: 'raw' | 'noise') => {
      const key = `${kind} ${path}`;
      const c = counts.get(key) ?? { path, kind, raw: 0, noise: 0 };
      c[which]++;
      counts.set(key, c);
    };
    const compared = outcomes.compared();
    for (const o of compared) {
      for (const d of o.differences) bump(d.path, d.kind, 'raw');
      for (const d of o.noise ?? []) bump(d.path, d.kind, 'noise');
    }
    const fields: FieldCounts[] = [...counts.values()];
    const classified = classifyFields(fields, { compared: compared.length, noiseSampled: compared.filter((o) => o.noise !== null).length });
    expect(classified.filter((f) => f.real).map((f) => f.path)).toEqual(['price.amount']);
  });
});

describe('array order and ignored paths', () => {
  const body = (reverse: boolean, extra: Record<string, unknown>) => {
    const order = <T>(xs: T[]): T[] => (reverse ? [...xs].reverse() : xs);
    return {
      id: 1,
      tags: order(['red', 'green', 'blue']),
      items: order([{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]),
      variants: [
        { name: 'small', colors: order(['red', 'green']) },
        { name: 'large', colors: order(['blue', 'black']) },
      ],
      ...extra,
    };
  };

  it('an order difference is reported only where order matters (unordered paths are exempt)', async () => {
    const stack = await shadowStack(
      (_req, res) => json(res, body(false, {})),
      (_req, res) => json(res, body(true, {})),
      { shadow: { unordered: ['tags', 'variants[*].colors'], noiseSample: 0 } },
    );
    await burst(stack.gw, 10);
    await stack.outcomes.atLeast(10);
    for (const o of stack.outcomes.all) expect(paths(o)).toEqual(['array-order items']);
    const report = await stack.report();
    expect(report.fields.map((f) => [f.path, f.kind, f.raw])).toEqual([['items', 'array-order', 10]]);
    expect(report.matchRate).toBe(0);
  });

  it('without unordered paths, every reordered array is an array-order difference', async () => {
    const stack = await shadowStack(
      (_req, res) => json(res, body(false, {})),
      (_req, res) => json(res, body(true, {})),
      { shadow: { noiseSample: 0 } },
    );
    await burst(stack.gw, 3);
    await stack.outcomes.atLeast(3);
    for (const o of stack.outcomes.all) expect(paths(o).sort()).toEqual(['array-order items', 'array-order tags', 'array-order variants[*].colors']);
  });

  it('ignored paths (body fields with their subtree, folded array items, headers, status) are dropped; the rest still counts', async () => {
    const legacy: UpstreamHandler = (_req, res) =>
      json(res, { id: 1, name: 'Kettle', internal: { debug: 'x', host: 'a' }, items: [{ sku: 'a', updatedAt: 't1' }] }, 200, { etag: '"legacy"', 'x-served-by': 'monolith' });
    const fresh: UpstreamHandler = (_req, res) =>
      json(res, { id: 1, name: 'Kettle!', internal: { trace: 'y' }, items: [{ sku: 'a', updatedAt: 't2' }] }, 201, { etag: '"new"', 'x-served-by': 'catalog' });
    const stack = await shadowStack(legacy, fresh, {
      shadow: { compareHeaders: ['content-type', 'etag', 'x-served-by'], ignore: ['internal', 'items[*].updatedAt', 'header:etag', 'http:status'], noiseSample: 0 },
    });
    await burst(stack.gw, 5);
    await stack.outcomes.atLeast(5);
    for (const o of stack.outcomes.all) expect(paths(o).sort()).toEqual(['changed header:x-served-by', 'changed name']);
  });

  it('a status and a missing or extra field are reported with their kinds', async () => {
    const stack = await shadowStack(
      (_req, res) => json(res, { id: 1, name: 'Kettle', legacyOnly: true }),
      (_req, res) => json(res, { id: 1, name: 'Kettle', newOnly: true }, 202),
      { shadow: { noiseSample: 0 } },
    );
    await burst(stack.gw, 2);
    await stack.outcomes.atLeast(2);
    for (const o of stack.outcomes.all) expect(paths(o).sort()).toEqual(['changed http:status', 'extra newOnly', 'missing legacyOnly']);
  });
});

describe('legacy is compared through the route’s ACL mapping', () => {
  interface LegacyRow {
    readonly product_id: number;
    readonly label: string;
    readonly price_cents: number;
  }
  const toNewModel = (input: unknown) => {
    const row = input as LegacyRow;
    if (typeof row.product_id !== 'number') throw new Error('not a product row');
    return { id: row.product_id, name: row.label, price: { amount: row.price_cents / 100, currency: 'EUR' } };
  };
  const mapped = { legacyResponseMapping: 'catalog/test-read', mappings: { 'catalog/test-read': toNewModel } };

  it('a legacy answer in its own shape matches a new answer in the new model', async () => {
    const stack = await shadowStack(
      (req, res) => json(res, { product_id: idOf(req), label: `Product ${idOf(req)}`, price_cents: 1050 }),
      (req, res) => json(res, { id: idOf(req), name: `Product ${idOf(req)}`, price: { amount: idOf(req) === 3 ? 10.6 : 10.5, currency: 'EUR' } }),
      { ...mapped, shadow: { noiseSample: 0 } },
    );
    await burst(stack.gw, 5);
    await stack.outcomes.atLeast(5);
    const differing = stack.outcomes.compared().filter((o) => o.differences.length > 0);
    expect(differing.map((o) => [o.request.path, paths(o)])).toEqual([['/products/3', ['changed price.amount']]]);
    expect(differing[0]?.legacy.body).toEqual({ id: 3, name: 'Product 3', price: { amount: 10.5, currency: 'EUR' } });
  });

  it('an answer the mapping refuses is a compare error, and the client is answered as in mode legacy', async () => {
    const legacy: UpstreamHandler = (_req, res) => json(res, { unexpected: true });
    const fresh: UpstreamHandler = (req, res) => json(res, { id: idOf(req) });
    const stack = await shadowStack(legacy, fresh, { ...mapped, shadow: { noiseSample: 0 } });
    const plainLegacy = await upstream(legacy);
    const plain = await startShadowGateway(shadowTable(plainLegacy.url, plainLegacy.url, { ...mapped, mode: 'legacy' }));
    gateways.push(plain.gw);
    const [a, b] = [await send(stack.gw.url, '/products/1'), await send(plain.gw.url, '/products/1')];
    // A problem+json answer names its request id; all else is the same.
    const withoutId = (x: typeof a) => ({ ...visible(x), bodySha256: '', bodyHead: '', body: { ...(JSON.parse(x.body.toString()) as Record<string, unknown>), requestId: '-' } });
    expect(a.status).toBe(502);
    expect(withoutId(a)).toEqual(withoutId(b));
    await stack.outcomes.atLeast(1);
    expect(stack.outcomes.all.map((o) => o.kind)).toEqual(['compare-error']);
    const report = await stack.report();
    expect(report.compareErrors).toBe(1);
  });
});
