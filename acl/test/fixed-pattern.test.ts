import fc from 'fast-check';
import { contractValidator } from '../index';
import { FIXED_PATTERN_KEYWORD, fixedPatternMatcher, fixedShapes, withFixedPatterns, type Ranges } from '../src/validation/fixed-pattern';
import { CurrencySchema, IsoInstantMillisSchema, IsoInstantSchema, MoneySchema } from '../../new-services/catalog/src/contract';
import { ReservationIdSchema } from '../../new-services/inventory/src/contract';

/** The contracts' own patterns, as zod writes them into JSON Schema. */
const CONTRACT_PATTERNS = [CurrencySchema, IsoInstantSchema, IsoInstantMillisSchema, ReservationIdSchema].map((s) => s.toJSONSchema() as { pattern: string }).map((j) => j.pattern);

/** Patterns in the subset, beside the contracts': classes, escapes, groups plain, optional and non-capturing. */
const IN_SUBSET = [
  '^[A-Z]{3}$',
  '^\\d{4}-\\d{2}-\\d{2}$',
  '^a(bc)?d$',
  '^(?:x)?(y{2})?z$',
  '^[a-cX-Z_-]{2}\\.\\$\\\\$',
  '^[-a]$',
  '^[a-]$',
  '^(ab)c$',
  '^$',
  '^\\d{0}x$',
  '^(a)?(a)?(a)?$',
];

/** Outside the subset: left to the RegExp. */
const OUTSIDE = [
  '^[A-Za-z0-9._:-]{1,100}$', // a range of repeats
  'abc', // not anchored
  '^abc', '^abc\\$', '^a+$', '^a*$', '^a?$', '^a{2,3}$', '^a{3}?$', '^.$', '^\\w$', '^\\s$', '^[^a]$', '^[\\d]$', '^a|b$',
  '^(a|b)$', '^((a))$', '^(a)+$', '^(a)??$', '^(?=a)a$', '^(?<n>a)$', '^(a)?(a)?(a)?(a)?$', '^a{999}$', '^[b-a]$',
];

/** A string each shape of the pattern matches, position by position, from the generator's choices. */
const matchingOf = (shapes: Ranges[][]): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: shapes.length - 1 }).chain((s) => {
    const shape = shapes[s] as Ranges[];
    return fc.tuple(...shape.map((ranges) => fc.integer({ min: 0, max: ranges.length - 1 }).chain((r) => fc.integer({ min: (ranges[r] as readonly [number, number])[0], max: (ranges[r] as readonly [number, number])[1] })))).map((codes) => String.fromCharCode(...codes));
  });

/** Near misses and hits: a matching string, then a character changed, added or removed. */
const aroundMatches = (shapes: Ranges[][]): fc.Arbitrary<string> =>
  fc.tuple(matchingOf(shapes), fc.integer({ min: 0, max: 40 }), fc.constantFrom('change', 'insert', 'remove', 'keep'), fc.constantFrom(...'09AZaz-.:T$\\_x\u00e9\u{1F600}'.split(''))).map(([s, at, how, ch]) => {
    const i = s.length === 0 ? 0 : at % (s.length + 1);
    if (how === 'change') return s.slice(0, i) + ch + s.slice(i + 1);
    if (how === 'insert') return s.slice(0, i) + ch + s.slice(i);
    if (how === 'remove') return s.slice(0, i) + s.slice(i + 1);
    return s;
  });

/** Patterns in the subset, built from pieces: literals, escapes, classes, repeats, groups. */
const atom = fc.constantFrom('a', 'Z', '0', '-', ':', 'T', '\\d', '\\.', '\\$', '[A-Z]', '[0-9a-f]', '[._-]', '[x]');
const run = fc.array(fc.tuple(atom, fc.constantFrom('', '{2}', '{3}', '{0}')).map(([a, r]) => a + r), { maxLength: 4 }).map((parts) => parts.join(''));
const generatedPattern = fc.array(fc.tuple(run, fc.constantFrom('', '(', '(?:'), run, fc.constantFrom(')', ')?')), { minLength: 1, maxLength: 3 }).map(
  (pieces) => `^${pieces.map(([before, open, inside, close]) => (open === '' ? before : `${before}${open}${inside}${close}`)).join('')}$`,
);

function agrees(pattern: string, text: string): void {
  const matcher = fixedPatternMatcher(pattern);
  expect([pattern, text, matcher?.(text)]).toEqual([pattern, text, new RegExp(pattern).test(text)]);
}

describe('fixed-shape patterns matched on character codes', () => {
  it('takes the contracts\' currency and instant patterns, and leaves the reservation id\'s {1,100} to the RegExp', () => {
    expect(CONTRACT_PATTERNS).toHaveLength(4);
    expect(CONTRACT_PATTERNS.map((p) => fixedShapes(p)?.map((s) => s.length))).toEqual([[3], [20, 24], [24], undefined]);
  });

  it('answers what the RegExp answers, for the contracts\' patterns and the hand-picked ones, on strings around their matches', () => {
    for (const pattern of [...CONTRACT_PATTERNS, ...IN_SUBSET]) {
      const shapes = fixedShapes(pattern);
      if (shapes === undefined) continue;
      fc.assert(fc.property(fc.oneof(aroundMatches(shapes), fc.string({ maxLength: 30 })), (text) => agrees(pattern, text)), { numRuns: 400 });
    }
    for (const pattern of IN_SUBSET) expect([pattern, fixedShapes(pattern) === undefined]).toEqual([pattern, false]);
  });

  it('answers what the RegExp answers for generated patterns of the subset', () => {
    fc.assert(
      fc.property(
        generatedPattern.chain((pattern) => {
          const shapes = fixedShapes(pattern);
          return fc.tuple(fc.constant(pattern), shapes === undefined ? fc.constant('') : fc.oneof(aroundMatches(shapes), fc.string({ maxLength: 12 })));
        }),
        ([pattern, text]) => {
          expect(fixedShapes(pattern)).toBeDefined();
          agrees(pattern, text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leaves every other pattern to the RegExp', () => {
    for (const pattern of OUTSIDE) expect([pattern, fixedShapes(pattern), fixedPatternMatcher(pattern)]).toEqual([pattern, undefined, undefined]);
  });

  it('rewrites only the patterns in the subset, never data, and leaves the input schema alone', () => {
    const input = {
      type: 'object',
      properties: { a: { type: 'string', pattern: '^[A-Z]{3}$' }, b: { type: 'string', pattern: '^a+$' }, pattern: { type: 'string' } },
      default: { pattern: '^[A-Z]{3}$' },
      examples: [{ pattern: '^x$' }],
    };
    const copy = structuredClone(input);
    expect(withFixedPatterns(input)).toEqual({
      type: 'object',
      properties: { a: { type: 'string', [FIXED_PATTERN_KEYWORD]: '^[A-Z]{3}$' }, b: { type: 'string', pattern: '^a+$' }, pattern: { type: 'string' } },
      default: { pattern: '^[A-Z]{3}$' },
      examples: [{ pattern: '^x$' }],
    });
    expect(input).toEqual(copy);
  });

  it('makes the compiled validators refuse what the pattern refuses, whatever the string holds', () => {
    const money = contractValidator(MoneySchema);
    for (const currency of ['EUR', 'USD']) expect(money.accepts({ amount: 1, currency })).toBe(true);
    for (const currency of ['eur', 'EURO', 'EU', 'E\u0301UR', '', 'EU\u{1F600}', 'EUR\n']) expect([currency, money.accepts({ amount: 1, currency })]).toEqual([currency, false]);
    const instant = contractValidator(IsoInstantSchema);
    expect(['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.67Z', '2026-01-02 03:04:05Z', '２026-01-02T03:04:05Z'].map((t) => instant.accepts(t))).toEqual([true, true, false, false, false]);
  });
});
