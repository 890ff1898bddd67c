import { compileDiffOptions, type DiffOptionsInput } from '../../src/config/diff-options';
import { diffAnswers, type DiffAnswer } from '../../src/shadow/diff';
import { DiffOptionsError } from '../../src/config/diff-options';
import type { Difference } from '../../src/shadow/types';

const answer = (body: unknown, status = 200, headers: Record<string, string> = {}): DiffAnswer => ({ status, headers, body });
const diff = (legacy: unknown, fresh: unknown, input: DiffOptionsInput = {}) => diffAnswers(answer(legacy), answer(fresh), compileDiffOptions(input));
const diffs = (legacy: unknown, fresh: unknown, input: DiffOptionsInput = {}): Difference[] => diff(legacy, fresh, input).differences;
const sorted = (list: readonly Difference[]) => [...list].sort((x, y) => `${x.path} ${x.kind}`.localeCompare(`${y.path} ${y.kind}`));

describe('diffAnswers: kinds', () => {
  it('finds nothing in equal answers, member order aside', () => {
    expect(diffs({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toEqual([]);
  });

  it('reports changed, missing, extra and type at their paths', () => {
    const legacy = { price: { amount: 10, currency: 'EUR' }, name: 'mug', sku: 'M-1', qty: 3 };
    const fresh = { price: { amount: 12 }, name: 'mug', colour: 'red', qty: '3' };
    expect(sorted(diffs(legacy, fresh))).toEqual([
      { path: 'colour', kind: 'extra' },
      { path: 'price.amount', kind: 'changed' },
      { path: 'price.currency', kind: 'missing' },
      { path: 'qty', kind: 'type' },
      { path: 'sku', kind: 'missing' },
    ]);
  });

  it('compares numbers exactly', () => {
    expect(diffs({ n: 0.1 + 0.2 }, { n: 0.3 })).toEqual([{ path: 'n', kind: 'changed' }]);
    expect(diffs(JSON.parse('{"n":1.0}'), { n: 1 })).toEqual([]);
  });

  it('treats null as a type of its own, and null against an absent member as missing or extra', () => {
    expect(diffs({ a: null }, { a: 0 })).toEqual([{ path: 'a', kind: 'type' }]);
    expect(diffs({ a: 'x' }, { a: null })).toEqual([{ path: 'a', kind: 'type' }]);
    expect(diffs({ a: null }, {})).toEqual([{ path: 'a', kind: 'missing' }]);
    expect(diffs({}, { a: null })).toEqual([{ path: 'a', kind: 'extra' }]);
    expect(diffs({ a: [] }, { a: {} })).toEqual([{ path: 'a', kind: 'type' }]);
  });

  it('reports the root as body: non-JSON text, empty against JSON', () => {
    expect(diffs('<html>a</html>', '<html>b</html>')).toEqual([{ path: 'body', kind: 'changed' }]);
    expect(diffs('same text', 'same text')).toEqual([]);
    expect(diffs('<html/>', { a: 1 })).toEqual([{ path: 'body', kind: 'type' }]);
    expect(diffs(null, { a: 1 })).toEqual([{ path: 'body', kind: 'type' }]);
    expect(diffs([1, 2], [1, 2, 3])).toEqual([{ path: 'body', kind: 'array-length' }]);
  });

  it('does not compare bodies that are unknown (a truncated read)', () => {
    expect(diffs(undefined, { a: 1 })).toEqual([]);
  });

  it('keeps a top-level member named body apart from the root; a member status reads status (issue 15)', () => {
    expect(sorted(diffs({ status: 'open', body: 'x' }, { status: 'shut', body: 'y' }))).toEqual([
      { path: '["body"]', kind: 'changed' },
      { path: 'status', kind: 'changed' },
    ]);
    expect(diffs({ a: { status: 1 } }, { a: { status: 2 } })).toEqual([{ path: 'a.status', kind: 'changed' }]);
  });

  it('quotes member names that are not identifiers', () => {
    expect(diffs({ 'a.b': 1, 'x y': { '3d': 1 } }, { 'a.b': 2, 'x y': { '3d': 2 } })).toEqual([
      { path: '["a.b"]', kind: 'changed' },
      { path: '["x y"]["3d"]', kind: 'changed' },
    ]);
  });
});

describe('diffAnswers: status and headers', () => {
  const options = compileDiffOptions({ headers: ['Content-Type', 'ETag', 'x-extra'] });

  it('compares the status and only the configured headers, by lower-case name', () => {
    const legacy = answer({}, 200, { 'content-type': 'application/json', etag: '"1"', server: 'old' });
    const fresh = answer({}, 201, { 'Content-Type': 'application/json', 'x-extra': 'y', server: 'new' });
    expect(sorted(diffAnswers(legacy, fresh, options).differences)).toEqual([
      { path: 'header:etag', kind: 'missing' },
      { path: 'header:x-extra', kind: 'extra' },
      { path: 'http:status', kind: 'changed' },
    ]);
  });

  it('reports a changed header value', () => {
    const d = diffAnswers(answer({}, 200, { etag: '"1"' }), answer({}, 200, { etag: '"2"' }), options);
    expect(d.differences).toEqual([{ path: 'header:etag', kind: 'changed' }]);
  });

  it('ignores status and headers when told to', () => {
    const quiet = compileDiffOptions({ headers: ['etag', 'age'], ignore: ['http:status', 'header:etag'] });
    const d = diffAnswers(answer({}, 200, { etag: '1', age: '1' }), answer({}, 500, { etag: '2', age: '2' }), quiet);
    expect(d.differences).toEqual([{ path: 'header:age', kind: 'changed' }]);
    const none = compileDiffOptions({ headers: ['etag', 'age'], ignore: ['header:*'] });
    expect(diffAnswers(answer({}, 200, { etag: '1', age: '1' }), answer({}, 200, { etag: '2' }), none).differences).toEqual([]);
  });
});

describe('diffAnswers: folding', () => {
  it('folds fifty items differing in one field into one difference', () => {
    const items = (price: number) => Array.from({ length: 50 }, (_, i) => ({ id: i, price: { amount: price + i } }));
    expect(diffs({ items: items(10) }, { items: items(11) })).toEqual([{ path: 'items[*].price.amount', kind: 'changed' }]);
  });

  it('folds all-digit and UUID keys into {*}', () => {
    const legacy = { stock: { '101': { qty: 1 }, '102': { qty: 2 } }, byId: { '8f14e45f-ceea-467f-a0e6-4f1b1f1a2b3c': { n: 1 } } };
    const fresh = { stock: { '101': { qty: 5 }, '102': { qty: 6 }, '103': { qty: 1 } }, byId: { '8F14E45F-CEEA-467F-A0E6-4F1B1F1A2B3D': { n: 1 } } };
    expect(sorted(diffs(legacy, fresh))).toEqual([
      { path: 'byId{*}', kind: 'extra' },
      { path: 'byId{*}', kind: 'missing' },
      { path: 'stock{*}', kind: 'extra' },
      { path: 'stock{*}.qty', kind: 'changed' },
    ]);
  });

  it('folds the keys of an object listed as a map', () => {
    const legacy = { prices: { 'SKU-A': 1, 'SKU-B': 2 }, totals: { net: 1 } };
    const fresh = { prices: { 'SKU-A': 3, 'SKU-B': 4 }, totals: { net: 2 } };
    expect(sorted(diffs(legacy, fresh, { maps: ['prices'] }))).toEqual([
      { path: 'prices{*}', kind: 'changed' },
      { path: 'totals.net', kind: 'changed' },
    ]);
  });

  it('stops at the cap and says so', () => {
    const wide = (v: number) => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, v]));
    const full = diff(wide(1), wide(2));
    expect(full.differences).toHaveLength(200);
    expect(full.truncated).toBe(true);
    const capped = diff(wide(1), wide(2), { maxDifferences: 5 });
    expect(capped.differences.map((d) => d.path)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(capped.truncated).toBe(true);
    const exact = diff({ a: 1, b: 1 }, { a: 2, b: 2 }, { maxDifferences: 2 });
    expect(exact).toEqual({ differences: [{ path: 'a', kind: 'changed' }, { path: 'b', kind: 'changed' }], truncated: false });
  });

  it('counts distinct differences towards the cap, not repeats', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ i }));
    const d = diff({ items }, { items: items.map((x) => ({ i: x.i + 1 })) }, { maxDifferences: 1 });
    expect(d).toEqual({ differences: [{ path: 'items[*].i', kind: 'changed' }], truncated: false });
  });
});

describe('diffAnswers: arrays', () => {
  it('reports a reordered array once, at its path, with no element differences', () => {
    const a = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(diffs({ items: a }, { items: [a[2], a[0], a[1]] })).toEqual([{ path: 'items', kind: 'array-order' }]);
  });

  it('finds no difference in a reordered array listed as unordered, even nested or at the root', () => {
    expect(diffs({ tags: ['a', 'b', 'a'] }, { tags: ['a', 'a', 'b'] }, { unordered: ['tags'] })).toEqual([]);
    expect(diffs([{ t: [1, 2] }, { t: [3] }], [{ t: [3] }, { t: [2, 1] }], { unordered: ['body', '[*].t'] })).toEqual([]);
    expect(diffs({ a: { tags: [1, 2] } }, { a: { tags: [2, 1] } }, { unordered: ['**.tags'] })).toEqual([]);
  });

  it('compares what is left of an unordered array pairwise', () => {
    const legacy = { items: [{ id: 1, p: 1 }, { id: 2, p: 2 }, { id: 3, p: 3 }] };
    const fresh = { items: [{ id: 3, p: 3 }, { id: 2, p: 9 }, { id: 1, p: 1 }] };
    expect(diffs(legacy, fresh, { unordered: ['items'] })).toEqual([{ path: 'items[*].p', kind: 'changed' }]);
    expect(diffs({ items: [1, 2, 3] }, { items: [3, 1] }, { unordered: ['items'] })).toEqual([{ path: 'items', kind: 'array-length' }]);
  });

  it('reports changed elements, not order, when the elements differ', () => {
    expect(diffs({ a: [1, 2, 3] }, { a: [1, 2, 4] })).toEqual([{ path: 'a[*]', kind: 'changed' }]);
    expect(diffs({ a: [1, 2, 3] }, { a: [2, 1, 4] })).toEqual([{ path: 'a[*]', kind: 'changed' }]);
  });

  it('reports a length difference once and still compares the common prefix', () => {
    const legacy = { items: [{ n: 1 }, { n: 2 }, { n: 3 }] };
    const fresh = { items: [{ n: 1 }, { n: 5 }] };
    expect(sorted(diffs(legacy, fresh))).toEqual([
      { path: 'items', kind: 'array-length' },
      { path: 'items[*].n', kind: 'changed' },
    ]);
    expect(diffs({ items: [1] }, { items: [1, 2] })).toEqual([{ path: 'items', kind: 'array-length' }]);
  });

  it('judges order without the ignored members', () => {
    const legacy = { items: [{ id: 1, at: 'a' }, { id: 2, at: 'b' }] };
    const fresh = { items: [{ id: 2, at: 'c' }, { id: 1, at: 'd' }] };
    expect(diffs(legacy, fresh, { ignore: ['items[*].at'] })).toEqual([{ path: 'items', kind: 'array-order' }]);
    const same = { items: [{ id: 1, at: 'x' }, { id: 2, at: 'y' }] };
    expect(diffs(legacy, same, { ignore: ['**.at'] })).toEqual([]);
    expect(diffs(legacy, fresh, { ignore: ['items[*].at'], unordered: ['items'] })).toEqual([]);
    const tagged = (tags: string[], id: number) => ({ id, tags });
    const order = diffs({ a: [tagged(['x'], 1), tagged(['y'], 2)] }, { a: [tagged(['z'], 2), tagged(['w'], 1)] }, { ignore: ['a[*].tags[*]'] });
    expect(order).toEqual([{ path: 'a', kind: 'array-order' }]);
  });
});

describe('diffAnswers: ignore globs', () => {
  const legacy = {
    meta: { requestId: 'r1', at: { t: 1 } },
    items: [{ id: 1, updatedAt: 't1', price: 1 }],
    nested: { deep: { updatedAt: 't1' } },
    list: [1, 2],
  };
  const fresh = {
    meta: { requestId: 'r2', at: { t: 2 }, extra: true },
    items: [{ id: 1, updatedAt: 't2', price: 2 }],
    nested: { deep: { updatedAt: 't2' } },
    list: [3, 4, 5],
  };
  const paths = (ignore: string[]) => sorted(diffs(legacy, fresh, { ignore })).map((d) => `${d.path} ${d.kind}`);

  it('drops the matching paths and their subtrees', () => {
    expect(paths(['meta', 'items[*].updatedAt', 'nested.deep.updatedAt', 'list'])).toEqual(['items[*].price changed']);
    expect(paths(['meta.*', '**.updatedAt', 'list[*]'])).toEqual(['items[*].price changed', 'list array-length']);
    expect(paths(['meta.**', 'items', 'nested.*.updatedAt', 'list'])).toEqual([]);
    expect(paths(['**'])).toEqual([]);
    expect(paths(['body'])).toEqual([]);
  });

  it('lets * stand for a named member or a folded map key, but not an element', () => {
    const legacy = { stock: { '1': { at: 1, qty: 1 } }, meta: { at: 1 }, list: [{ at: 1 }] };
    const fresh = { stock: { '1': { at: 2, qty: 1 } }, meta: { at: 2 }, list: [{ at: 2 }] };
    expect(diffs(legacy, fresh, { ignore: ['*.*.at', 'meta.at'] })).toEqual([{ path: 'list[*].at', kind: 'changed' }]);
  });

  it('matches whole steps only', () => {
    expect(paths(['met', 'items[*].updated', 'nested', 'list'])).toContain('meta.requestId changed');
  });
});

describe('compileDiffOptions', () => {
  const refused = (input: DiffOptionsInput): string => {
    try {
      compileDiffOptions(input);
    } catch (e) {
      expect(e).toBeInstanceOf(DiffOptionsError);
      return e instanceof Error ? e.message : String(e);
    }
    throw new Error('accepted');
  };

  it.each([
    ['items[0].price', /ignore\[0\].*"items\[0\]\.price".*folded/],
    ['a..b', /empty step/],
    ['.a', /empty step/],
    ['a.', /empty step/],
    ['a*', /not a field name/],
    ['stock.123', /folded/],
    ['body.code', /top-level field "body"/],
    ['a["b]', /unterminated/],
    ['a["b"', /unterminated|expected "]"/],
    ['header:Content-Type', /header/],
    ['stock["42"]', /map keys are folded/],
    ['', /empty glob/],
  ])('refuses the glob %s, naming it', (glob, message) => {
    expect(refused({ ignore: [glob] })).toMatch(message);
  });

  it('collects every bad entry, located', () => {
    const e = (() => {
      try {
        compileDiffOptions({ ignore: ['ok', 'a..b'], unordered: ['http:status'], headers: ['bad header'], maxDifferences: 0 });
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(DiffOptionsError);
    expect((e as DiffOptionsError).issues.map((i) => i.path)).toEqual(['ignore[1]', 'unordered[0]', 'headers[0]', 'maxDifferences']);
  });

  it('accepts quoted names, wildcards and the root', () => {
    expect(() => compileDiffOptions({ ignore: ['["x y"].z', '*.a', '**', '[*].id', '{*}.n', 'a{*}[*]', '["status"]'], unordered: ['body'] })).not.toThrow();
    expect(diffs({ 'x y': { z: 1, w: 1 } }, { 'x y': { z: 2, w: 1 } }, { ignore: ['["x y"].z'] })).toEqual([]);
    expect(diffs({ status: 1 }, { status: 2 }, { ignore: ['["status"]'] })).toEqual([]);
    // A body member status and the HTTP status are apart: each glob selects its own.
    expect(diffs({ status: 1 }, { status: 2 }, { ignore: ['status'] })).toEqual([]);
    const statusOnly = compileDiffOptions({ ignore: ['http:status'] });
    expect(diffAnswers(answer({ status: 1 }, 200), answer({ status: 2 }, 500), statusOnly).differences).toEqual([{ path: 'status', kind: 'changed' }]);
  });
});
