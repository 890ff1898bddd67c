import fc from 'fast-check';
import { z } from 'zod';
import { contractJsonSchema } from '../src/validation/json-schema';
import { LENGTH_KEYWORD, withLengthKeyword, withNullableScalars } from '../src/validation/keywords';
import { ajvAllErrors, ajvValidator, createAjv, zodValidator } from '../src/validation/validator';

/**
 * The rewrites the ACL makes to a contract's JSON Schema before ajv compiles it (keywords.ts), and
 * the keywords ajv writes into its validators as direct calls: the verdict must stay zod's.
 */

const realDay = (text: string): boolean => !text.endsWith('X');

/** Nullable fields of every kind zod writes as `anyOf [T, null]`, merged or not. */
const CONTRACTS: Record<string, z.ZodType> = {
  'bounded string': z.object({ v: z.string().min(2).max(5).nullable() }).strict(),
  'pattern string': z.object({ v: z.string().regex(/^[A-Z]{3}$/).nullable() }).strict(),
  'integer with bounds': z.object({ v: z.number().int().min(0).max(10).nullable() }).strict(),
  'number with exclusive bounds': z.object({ v: z.number().gt(0).lt(1).nullable() }).strict(),
  boolean: z.object({ v: z.boolean().nullable() }).strict(),
  // Keywords that apply to every type: null must not meet them (never merged).
  enum: z.object({ v: z.enum(['a', 'b']).nullable() }).strict(),
  literal: z.object({ v: z.literal('x').nullable() }).strict(),
  refined: z.object({ v: z.string().refine(realDay, 'must be a real day').nullable() }).strict(),
  'refined, outside': z.object({ v: z.string().nullable().refine((s) => s !== 'no', 'not no') }).strict(),
  // (ajv words a refused branch of an unmerged anyOf at other paths than zod: the verdict is compared.)
  object: z.object({ v: z.object({ a: z.number() }).strict().nullable() }).strict(),
  array: z.object({ v: z.array(z.string().max(2)).nullable() }).strict(),
  optional: z.object({ v: z.string().max(3).nullable().optional() }).strict(),
};

const VERDICT_ONLY = new Set(['object', 'array']);

const values = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, '', 'a', 'ab', 'abcde', 'abcdef', 'EUR', 'eur', 'X', 'x', 'no', 'okX', 0, -1, 0.5, 1, 10, 11, 1.5, true, false, [], ['ab'], ['abc'], {}, { a: 1 }, { a: '1' }, '😀😀', '😀😀😀'),
  fc.string({ maxLength: 7 }),
  fc.integer({ min: -3, max: 13 }),
  fc.double({ noNaN: true }),
);

describe('nullable scalars as a type list (withNullableScalars)', () => {
  it('writes zod\'s nullable string as one type list with its type-only keywords', () => {
    const { schema } = contractJsonSchema(z.object({ v: z.string().max(5).nullable() }));
    const v = (withNullableScalars(withLengthKeyword(schema)) as { properties: { v: unknown } }).properties.v;
    expect(v).toEqual({ type: ['string', 'null'], [LENGTH_KEYWORD]: [0, 5] });
  });

  it('leaves alone the nullables whose keywords would judge null too (enum, const, refinements), objects and arrays', () => {
    for (const name of ['enum', 'literal', 'refined', 'object', 'array']) {
      const { schema } = contractJsonSchema(CONTRACTS[name] as z.ZodType);
      const v = (withNullableScalars(withLengthKeyword(schema)) as { properties: { v: Record<string, unknown> } }).properties.v;
      expect([name, Object.keys(v)]).toEqual([name, ['anyOf']]);
    }
  });

  it('leaves the input schema alone and never rewrites data (const, enum, default)', () => {
    const input = { anyOf: [{ type: 'string' }, { type: 'null' }], default: { anyOf: [{ type: 'string' }, { type: 'null' }] } };
    const copy = structuredClone(input);
    expect(withNullableScalars(input)).toEqual({ type: ['string', 'null'], default: copy.default });
    expect(input).toEqual(copy);
  });

  it.each(Object.keys(CONTRACTS))('keeps ajv\'s verdict and refused paths zod\'s on every value (%s)', (name) => {
    const contract = CONTRACTS[name] as z.ZodType;
    const first = ajvValidator(createAjv(), contract);
    const all = ajvAllErrors(contract);
    const zod = zodValidator(contract);
    let refused = 0;
    fc.assert(
      fc.property(values, (v) => {
        const answer = v === undefined ? {} : { v };
        const expected = zod.issues(answer).map((i) => i.path);
        if (expected.length > 0) refused += 1;
        expect(first.accepts(answer)).toBe(expected.length === 0);
        if (!VERDICT_ONLY.has(name)) expect([...new Set(all(answer).map((i) => i.path))].sort()).toEqual([...new Set(expected)].sort());
      }),
      { numRuns: 400 },
    );
    // Neither side of the verdict went untested.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(400);
  });
});

describe('keywords written as direct calls', () => {
  it('count code points at the bounds, and a refinement that throws refuses the value (never the process)', () => {
    const throwing = (text: string): boolean => {
      if (text === 'boom') throw new Error('a refinement that throws');
      return realDay(text);
    };
    const v = ajvValidator(createAjv(), z.object({ n: z.string().min(2).max(3), d: z.string().refine(throwing) }).strict());
    expect(v.accepts({ n: '😀😀', d: 'a' })).toBe(true);
    expect(v.accepts({ n: '😀😀😀😀', d: 'a' })).toBe(false);
    expect(v.accepts({ n: '😀', d: 'a' })).toBe(false);
    expect(v.accepts({ n: 'ab', d: 'okX' })).toBe(false);
    expect(v.accepts({ n: 'ab', d: 'boom' })).toBe(false);
  });

  it('keep each contract\'s own refinements when several contracts share one ajv', () => {
    const ajv = createAjv();
    const a = ajvValidator(ajv, z.object({ s: z.string().refine((s) => s.startsWith('a')) }));
    const b = ajvValidator(ajv, z.object({ s: z.string().refine((s) => s.startsWith('b')) }));
    expect([a.accepts({ s: 'a1' }), a.accepts({ s: 'b1' }), b.accepts({ s: 'a1' }), b.accepts({ s: 'b1' })]).toEqual([true, false, false, true]);
  });
});
