import { z } from 'zod';
import { describeIssues, fieldIssues, fieldPath, storedBoolean, storedInteger, storedJson, storedNumber } from '../index';

/** Column values as SQLite and mysql2 return them, parsed, never coerced. */

describe('stored numbers', () => {
  it('takes numbers and the numeric strings mysql2 returns for DECIMAL (SUM) columns', () => {
    expect(storedNumber.parse(3)).toBe(3);
    expect(storedNumber.parse('12')).toBe(12);
    expect(storedNumber.parse('-4.25')).toBe(-4.25);
    expect(storedInteger.parse('1764800000000')).toBe(1_764_800_000_000);
  });

  it.each([
    ['NULL', null],
    ['an empty string', ''],
    ['text', 'abc'],
    ['an exponent', '1e3'],
    ['a boolean', true],
    ['an object', {}],
    ['digits past a double', '9'.repeat(400)],
  ])('refuses %s rather than reading it as a number', (_what, value) => {
    expect(storedNumber.safeParse(value).error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^expected a number|expected number/)]);
  });

  it('an integer column holding a fraction is refused', () => {
    expect(storedInteger.safeParse('2.5').success).toBe(false);
  });

  it('booleans as 0/1 or true/false, nothing else', () => {
    expect([0, 1, true, false].map((v) => storedBoolean.parse(v))).toEqual([false, true, true, false]);
    expect(storedBoolean.safeParse(2).success).toBe(false);
    expect(storedBoolean.safeParse('1').success).toBe(false);
  });
});

describe('stored JSON', () => {
  const Row = z.object({ overlay: storedJson(z.record(z.string(), z.object({ mode: z.enum(['legacy', 'new']) }))) });

  it('parses the text, then the value, and names a bad field by its path from the column on', () => {
    expect(Row.parse({ overlay: '{"a":{"mode":"new"}}' })).toEqual({ overlay: { a: { mode: 'new' } } });
    const bad = Row.safeParse({ overlay: '{"v2.products":{"mode":"dark"}}' });
    expect(bad.success).toBe(false);
    expect(fieldIssues(bad.error!)).toEqual([{ path: 'overlay["v2.products"].mode', message: expect.stringMatching(/legacy.*new/) }]);
  });

  it('text that is not JSON is an issue on the column itself', () => {
    const bad = Row.safeParse({ overlay: '{"a":' });
    expect(describeIssues(fieldIssues(bad.error!))).toMatch(/^overlay: not valid JSON/);
  });
});

it('field paths: identifiers dotted, indexes and other keys in brackets', () => {
  expect(fieldPath([])).toBe('(root)');
  expect(fieldPath(['routes', 0, 'state', 'mode'])).toBe('routes[0].state.mode');
  expect(fieldPath(['request', 'headers', 'x-api-key'])).toBe('request.headers["x-api-key"]');
});
