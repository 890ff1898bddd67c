import { z } from 'zod';
import { ProductPageSchema, ProductSchema } from '../../new-services/catalog/src/contract';
import { OrderPageSchema, OrderSchema } from '../../new-services/orders/src/contract';
import { createAcl } from '../src/acl';
import { acceptsAsPlain, checkAnswer, compileContractCheck, type ContractCheck } from '../src/output-check';
import { isPlainJson, toPlainJson } from '../src/plain-json';
import { contractJsonSchema } from '../src/validation/json-schema';
import { forAjv } from '../src/validation/keywords';
import { PLAIN_KEYWORD, withPlainChecks } from '../src/validation/plain-check';
import { ajvValidator, createAjv } from '../src/validation/validator';
import { fixtureAnswers } from './compiled-kit';
import { NOW } from './kit';

/**
 * Plainness proved by the compiled validators (plain-check.ts): an answer they accept as it is
 * must be one the usual path (made plain, then checked) accepts whole and serialises the same, and
 * every plain answer the contract accepts must be accepted so, or the fast path is never taken.
 */

const prepared = (contract: z.ZodType) => forAjv(contractJsonSchema(contract).schema);

class Instance {
  constructor(fields: object) {
    Object.assign(this, fields);
  }
}

/** The answer's first number, array and object (depth first), each made non-plain in every way the generated code or a document could. */
function nonPlainVariants(answer: unknown): unknown[] {
  const out: unknown[] = [];
  const replaceFirst = (value: unknown, test: (v: unknown) => boolean, make: (v: unknown) => unknown): unknown => {
    let done = false;
    const walk = (v: unknown): unknown => {
      if (!done && test(v)) {
        done = true;
        return make(v);
      }
      if (Array.isArray(v)) return v.map(walk);
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    const result = walk(value);
    return done ? result : undefined;
  };
  const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  const makers: [(v: unknown) => boolean, (v: unknown) => unknown][] = [
    [(v) => typeof v === 'number', () => Number.NaN],
    [(v) => typeof v === 'number', () => Number.POSITIVE_INFINITY],
    [(v) => Array.isArray(v), (v) => Object.assign([...(v as unknown[])], { sequence: true })],
    [(v) => Array.isArray(v), (v) => Object.assign([...(v as unknown[])], { keepSingleton: true })],
    [isObject, (v) => Object.assign(Object.create(null) as object, v)],
    [isObject, (v) => new Instance(v as object)],
    [isObject, (v) => ({ ...(v as object), extra: undefined })],
    [isObject, (v) => ({ ...(v as object), fn: () => 1 })],
    [(v) => typeof v === 'string', () => Symbol('s')],
    [(v) => typeof v === 'string', () => 1n],
  ];
  for (const [test, make] of makers) {
    const variant = replaceFirst(answer, test, make);
    if (variant !== undefined) out.push(variant);
  }
  // Nested past the first level too: the second item of a page.
  if (isObject(answer) && Array.isArray((answer as { items?: unknown }).items) && ((answer as { items: unknown[] }).items.length > 1)) {
    const items = (answer as { items: unknown[] }).items;
    out.push({ ...(answer as object), items: [items[0], new Instance(items[1] as object), ...items.slice(2)] });
    out.push({ ...(answer as object), items: [items[0], Object.assign([], { sequence: true }), ...items.slice(2)] });
  }
  return out;
}

/** Soundness and completeness of acceptsAsPlain on one answer; a message when either fails. */
function judge(raw: unknown, check: ContractCheck): string | undefined {
  let plain: unknown;
  try {
    plain = toPlainJson(raw);
  } catch {
    plain = undefined;
  }
  const fast = acceptsAsPlain(raw, check);
  const usual = (): boolean => {
    if (plain === undefined) return false;
    const checked = checkAnswer('m', plain as never, check, 'drop', { rows: undefined, key: undefined }, () => undefined);
    return !(checked instanceof Promise) && checked.dropped.length === 0;
  };
  if (fast) {
    if (!usual()) return `accepted as plain, but the usual path refuses it: ${String(JSON.stringify(plain))}`;
    if (JSON.stringify(raw) !== JSON.stringify(plain)) return `accepted as plain, but serialises otherwise than its plain copy: ${JSON.stringify(raw)}`;
  } else if (isPlainJson(raw) && check.whole.accepts(raw) && usual()) {
    return `plain and accepted, but not accepted as plain: ${JSON.stringify(raw)}`;
  }
  return undefined;
}

describe('plainness proved by the compiled validators', () => {
  const ajv = createAjv();
  const checks = new Map<z.ZodType, ContractCheck>();
  const checkOf = (schema: z.ZodType): ContractCheck => {
    let c = checks.get(schema);
    if (c === undefined) checks.set(schema, (c = compileContractCheck(schema, (s) => ajvValidator(ajv, s))));
    return c;
  };

  it('finds every shipped contract closed, and marks the nodes that may hold a non-plain value', () => {
    for (const contract of [ProductPageSchema, ProductSchema, OrderPageSchema, OrderSchema]) expect(withPlainChecks(prepared(contract))).toBeDefined();
    const product = withPlainChecks(prepared(ProductSchema)) as { [PLAIN_KEYWORD]: unknown; properties: Record<string, Record<string, unknown>> };
    expect(product[PLAIN_KEYWORD]).toEqual(['object']);
    expect(product.properties['id']?.[PLAIN_KEYWORD]).toEqual(['number']);
    expect(product.properties['sku']?.[PLAIN_KEYWORD]).toBeUndefined();
  });

  it.each([
    ['unknown', z.object({ a: z.unknown() }).strict()],
    ['any', z.object({ a: z.any() }).strict()],
    ['open object', z.looseObject({ a: z.string() })],
    ['record', z.record(z.string(), z.number())],
    ['array of unknown', z.array(z.unknown())],
    ['number without bounds, nullable object', z.object({ a: z.number(), b: z.object({ c: z.unknown() }).strict().nullable() }).strict()],
  ] as const)('proves nothing with an open contract (%s): its validator has no acceptsPlain', (_name, contract) => {
    expect(withPlainChecks(prepared(contract))).toBeUndefined();
    expect(ajvValidator(createAjv(), contract).acceptsPlain).toBeUndefined();
  });

  it('refuses as plain what the usual path would copy: a non-finite number where the contract has no bounds, an instance, a flagged array', () => {
    const contract = z.object({ n: z.number(), list: z.array(z.object({ s: z.string() }).strict()) }).strict();
    const v = ajvValidator(createAjv(), contract);
    const plain = { n: 1.5, list: [{ s: 'a' }] };
    expect(v.acceptsPlain?.(plain)).toBe(true);
    for (const bad of [{ ...plain, n: Number.POSITIVE_INFINITY }, { ...plain, n: Number.NaN }, new Instance(plain), { ...plain, list: Object.assign([{ s: 'a' }], { sequence: true }) }, { ...plain, list: [new Instance({ s: 'a' })] }]) {
      expect([bad, v.acceptsPlain?.(bad)]).toEqual([bad, false]);
    }
  });

  it('accepts as plain exactly what the usual path accepts unchanged, on every fixture and edge answer and their non-plain variants', () => {
    const problems: string[] = [];
    let fast = 0;
    let variants = 0;
    for (const [name, pageSchema, itemSchema] of [['catalog/product-read', ProductPageSchema, ProductSchema], ['orders/order-read', OrderPageSchema, OrderSchema]] as const) {
      for (const raw of fixtureAnswers(name)) {
        const check = checkOf(typeof raw === 'object' && raw !== null && 'items' in raw ? pageSchema : itemSchema);
        for (const answer of [raw, ...nonPlainVariants(toPlainJson(raw))]) {
          const problem = judge(answer, check);
          if (problem !== undefined) problems.push(`${name}: ${problem}`);
          if (answer !== raw) variants += 1;
          if (acceptsAsPlain(answer, check)) fast += 1;
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(fast).toBeGreaterThan(20);
    expect(variants).toBeGreaterThan(500);
  }, 120_000);

  it('never takes the fast path while Object.prototype has an enumerable field, nor for a page long enough to be checked in slices', async () => {
    const mapping = createAcl().load('catalog/product-read');
    const row = { PRD_ID: 1, PRD_SKU: 'S-1', PRD_NM: 'Hook', PRD_DSC: null, PRD_PRC: '1.00', PRD_STS: 'A', PRD_UPD_TS: '20200101000000' };
    const page = { PAGE: 1, SIZE: 1, TOTAL: 1, ROWS: [row] };
    const check = checkOf(ProductPageSchema);
    const answer = (await mapping.translate(page, { now: NOW })).value;
    expect(acceptsAsPlain(answer, check)).toBe(true);
    const proto = Object.prototype as { injected?: unknown };
    proto.injected = 1;
    try {
      expect(acceptsAsPlain(answer, check)).toBe(false);
    } finally {
      delete proto.injected;
    }
    const long = (await mapping.translate({ ...page, ROWS: Array.from({ length: 300 }, (_, i) => ({ ...row, PRD_ID: i + 1 })) }, { now: NOW })).value as { items: unknown[] };
    expect(long.items).toHaveLength(300);
    expect(acceptsAsPlain(long, check)).toBe(false);
    expect(acceptsAsPlain({ ...long, items: long.items.slice(0, 255) }, check)).toBe(true);
  });

  it('walks a page\'s envelope fields besides its items: an instance or a non-finite number there is not plain', () => {
    const check = compileContractCheck(z.object({ items: z.array(z.object({ s: z.string() }).strict()), meta: z.object({ n: z.number() }).strict() }).strict(), (s) => ajvValidator(createAjv(), s));
    const page = { items: [{ s: 'a' }], meta: { n: 1 } };
    expect(acceptsAsPlain(page, check)).toBe(true);
    expect(acceptsAsPlain({ ...page, meta: new Instance({ n: 1 }) }, check)).toBe(false);
    expect(acceptsAsPlain({ ...page, meta: { n: Number.POSITIVE_INFINITY } }, check)).toBe(false);
  });

  it('proves nothing while Object.prototype has an enumerable field: an optional field would be read from it', () => {
    const check = compileContractCheck(z.object({ a: z.string(), b: z.number().optional() }).strict(), (s) => ajvValidator(createAjv(), s));
    expect(acceptsAsPlain({ a: 'x' }, check)).toBe(true);
    const proto = Object.prototype as { b?: unknown };
    proto.b = 5;
    try {
      // The validator would check the inherited b; JSON.stringify leaves it out.
      expect(acceptsAsPlain({ a: 'x' }, check)).toBe(false);
    } finally {
      delete proto.b;
    }
  });

  it('leaves a page with a dirty row to the usual path, which drops and reports it', async () => {
    const mapping = createAcl().load('catalog/product-read');
    const row = (id: number, status: string) => ({ PRD_ID: id, PRD_SKU: `S-${id}`, PRD_NM: 'Hook', PRD_DSC: null, PRD_PRC: '1.00', PRD_STS: status, PRD_UPD_TS: '20200101000000' });
    const t = await mapping.translate({ PAGE: 1, SIZE: 3, TOTAL: 3, ROWS: [row(1, 'A'), row(2, 'Q'), row(3, 'D')] }, { now: NOW });
    expect((t.value as { items: { id: number }[] }).items.map((i) => i.id)).toEqual([1, 3]);
    expect(t.dropped.map((d) => [d.key, d.paths])).toEqual([[2, ['status']]]);
  });
});
