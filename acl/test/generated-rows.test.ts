import fc from 'fast-check';
import type { z } from 'zod';
import { LegacyCreateOrderSchema } from '../index';
import { ProductPageSchema, ProductSchema } from '../../new-services/catalog/src/contract';
import { OrderPageSchema, OrderSchema } from '../../new-services/orders/src/contract';
import { toPlainJson } from '../src/plain-json';
import { ajvAllErrors, ajvValidator, createAjv, zodValidator } from '../src/validation/validator';
import { disagreement, fixtureAnswers, mappingSource, pair, viaGenerated } from './compiled-kit';

/**
 * Property-based: legacy rows made up by fast-check (clean values, the seed's kinds of dirt, and
 * values of the wrong type) through the three evaluators, which must agree (jsonata the reference);
 * and every answer through zod and through the ajv validator compiled from it, which must accept
 * and refuse the same answers, at the same paths.
 */

const text = (values: readonly string[]) => fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const anyJson = fc.oneof(fc.constant(null), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}));
const field = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof({ weight: 8, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyJson }), { nil: undefined, freq: 12 });
const money = text(['29.31', '0.07', '1,000.00', '12.5', '-1.00', '9999999999.99', '12.345', '']);
const stamp = text(['20140928050112', '20240229000000', '20230230000000', '20231301000000', '20231231240000', 'bad', '2014-09-28T05:01:12Z']);

const productRow = fc.record(
  {
    PRD_ID: field(fc.integer({ min: -1, max: 100_000 })),
    PRD_SKU: field(text(['SKU-000001', ''])),
    PRD_NM: field(text(['Walnut Hook', '  Trailing  ', '   ', 'Ünïcødé 😀'])),
    PRD_DSC: field(fc.option(text(['desc']), { nil: null })),
    PRD_CAT_CD: field(text(['HW', 'KIT'])),
    PRD_PRC: field(money),
    PRD_STS: field(text(['A', 'D', 'H', 'a', 'd', 'Z', 'x'])),
    PRD_UPD_TS: field(stamp),
    PRD_FLG_X: field(text(['Y'])),
  },
  { requiredKeys: [] },
);
const orderLine = fc.record({ ORD_LN_NO: field(fc.integer({ min: 0, max: 5 })), PRD_ID: field(fc.integer({ min: 1, max: 500 })), ORD_LN_QTY: field(fc.integer({ min: -1, max: 20_000 })), ORD_LN_PRC: field(money), ORD_LN_AMT: field(money) }, { requiredKeys: [] });
const orderRow = fc.record(
  {
    ORD_ID: field(fc.integer({ min: 1, max: 1000 })),
    CUST_ID: field(fc.integer({ min: 1, max: 1000 })),
    ORD_STS: field(text(['N', 'P', 'S', 'C', 'c', 'Q'])),
    ORD_RMK: field(fc.option(text(['gift  ']), { nil: null })),
    ORD_TOT_AMT: field(money),
    ORD_DT: field(text(['20170205', '20170230', '2017020'])),
    ORD_UPD_TS: field(stamp),
    LINES: field(fc.array(orderLine, { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const page = (row: fc.Arbitrary<unknown>) => fc.record({ PAGE: field(fc.integer({ min: 0, max: 3 })), SIZE: field(fc.integer({ min: 0, max: 50 })), TOTAL: field(fc.integer({ min: 0, max: 500 })), ROWS: field(fc.array(row, { maxLength: 4 })) }, { requiredKeys: ['ROWS'] });

const RUNS = 150;

describe.each([
  ['catalog/product-read', fc.oneof(productRow, page(productRow))],
  ['orders/order-read', fc.oneof(orderRow, page(orderRow))],
] as const)('%s on generated legacy rows', (name, rows) => {
  const p = pair(mappingSource(name));

  it('answers as jsonata and the closure compiler do (generated code, closures, jsonata)', async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (input) => {
        expect(await disagreement(p, input, true)).toBeUndefined();
      }),
      { numRuns: RUNS, seed: 16 },
    );
  }, 120_000);
});

const compiled = new Map<z.ZodType, { all: ReturnType<typeof ajvAllErrors>; first: ReturnType<typeof ajvValidator> }>();
function validatorsOf(schema: z.ZodType) {
  let v = compiled.get(schema);
  if (v === undefined) compiled.set(schema, (v = { all: ajvAllErrors(schema), first: ajvValidator(createAjv(), schema) }));
  return v;
}

/** ajv and zod on one answer: the same verdict, and the same refused paths. */
function agreement(schema: z.ZodType, answer: unknown): string | undefined {
  const zod = zodValidator(schema).issues(answer).map((i) => i.path);
  const ajv = validatorsOf(schema).all(answer).map((i) => i.path);
  const accepts = validatorsOf(schema).first.accepts(answer);
  if (accepts !== (zod.length === 0)) return `ajv ${accepts ? 'accepts' : 'refuses'}, zod ${zod.length === 0 ? 'accepts' : `refuses ${zod.join(', ')}`}: ${JSON.stringify(answer)}`;
  const [a, b] = [[...new Set(zod)].sort(), [...new Set(ajv)].sort()];
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `zod refuses ${a.join(', ')}, ajv ${b.join(', ')}: ${JSON.stringify(answer)}`;
}

const schemaFor = (answer: unknown, page: z.ZodType, item: z.ZodType): z.ZodType => (typeof answer === 'object' && answer !== null && 'items' in answer ? page : item);

describe('validators compiled by ajv from the zod contracts', () => {
  it('agree with zod on every fixture answer and every edge answer, accepted and refused', () => {
    const problems: string[] = [];
    let refused = 0;
    let accepted = 0;
    for (const [name, pageSchema, itemSchema] of [['catalog/product-read', ProductPageSchema, ProductSchema], ['orders/order-read', OrderPageSchema, OrderSchema]] as const) {
      for (const raw of fixtureAnswers(name)) {
        const answer = toPlainJson(raw);
        const problem = agreement(schemaFor(answer, pageSchema, itemSchema), answer);
        if (problem !== undefined) problems.push(problem);
        if (zodValidator(schemaFor(answer, pageSchema, itemSchema)).accepts(answer)) accepted += 1;
        else refused += 1;
      }
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(100);
  }, 120_000);

  it.each([
    ['catalog/product-read', productRow, ProductPageSchema, ProductSchema],
    ['orders/order-read', orderRow, OrderPageSchema, OrderSchema],
  ] as const)('agree with zod on %s answers to generated rows and pages', (name, row, pageSchema, itemSchema) => {
    const p = pair(mappingSource(name));
    fc.assert(
      fc.property(fc.oneof(row, page(row)), (input) => {
        const out = viaGenerated(p, input);
        if (!('value' in out)) return;
        const answer = toPlainJson(out.value);
        expect(agreement(schemaFor(answer, pageSchema, itemSchema), answer)).toBeUndefined();
      }),
      { numRuns: 400, seed: 16 },
    );
  });

  it('agree on the create-to-legacy contract (legacy limits) and on strings whose length differs in UTF-16 units and code points (both count code points)', () => {
    const body = { CUST_ID: 1, ORD_RMK: '😀'.repeat(100), LINES: [{ PRD_ID: 1, ORD_LN_QTY: 9999 }] };
    expect(agreement(LegacyCreateOrderSchema, body)).toBeUndefined();
    expect(agreement(LegacyCreateOrderSchema, { ...body, ORD_RMK: '😀'.repeat(101) })).toBeUndefined();
    expect(agreement(ProductSchema, { id: 1, sku: 'S', name: '😀'.repeat(100), description: null, price: { amount: 1, currency: 'EUR' }, status: 'active', updatedAt: '2014-02-30T00:00:00Z' })).toBeUndefined();
    expect(agreement(ProductSchema, { id: 1, sku: 'S', name: '😀'.repeat(101), description: null, price: { amount: 1, currency: 'EUR' }, status: 'active', updatedAt: '2014-13-01T00:00:00Z', extra: 1 })).toBeUndefined();
  });

  it('agree on lengths where the UTF-16 length alone does not decide (x-code-points), and on fields an object inherits (both read them)', () => {
    const product = { id: 1, sku: 'S', name: 'N', description: null, price: { amount: 1, currency: 'EUR' }, status: 'active', updatedAt: '2014-02-28T00:00:00Z' };
    const names = ['', 'a', '😀', 'a'.repeat(200), 'a'.repeat(201), 'a' + '😀'.repeat(100), 'aa' + '😀'.repeat(99), '😀'.repeat(200), '😀'.repeat(201), '\ud83d'.repeat(200), '\ud83d'.repeat(201), '\ude00\ud83d'.repeat(101), '\ud83d'];
    const refused = names.filter((name) => !zodValidator(ProductSchema).accepts({ ...product, name }));
    for (const name of names) expect(agreement(ProductSchema, { ...product, name })).toBeUndefined();
    expect(refused.length).toBeGreaterThan(3);
    expect(refused.length).toBeLessThan(names.length - 3);
    const inherits = Object.assign(Object.create({ status: 'active' }) as object, { ...product, status: undefined });
    delete (inherits as { status?: unknown }).status;
    expect(agreement(ProductSchema, inherits)).toBeUndefined();
  });
});
