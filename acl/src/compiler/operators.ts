import { Bailout, deepEqual, isNumeric, stringOf, toBoolean } from './values';

/**
 * jsonata's binary operators on values already evaluated (`and`/`or` short-circuit in compile.ts).
 * A type error jsonata would raise (T2001, T2009, T2010...) bails out instead.
 */
export type BinaryOp = (lhs: unknown, rhs: unknown) => unknown;

function numeric(op: (a: number, b: number) => number): BinaryOp {
  return (lhs, rhs) => {
    if (lhs !== undefined && !isNumeric(lhs)) throw new Bailout('arithmetic on a non-number (T2001)');
    if (rhs !== undefined && !isNumeric(rhs)) throw new Bailout('arithmetic on a non-number (T2002)');
    if (lhs === undefined || rhs === undefined) return undefined;
    return op(lhs, rhs);
  };
}

function comparable(value: unknown): boolean {
  return value === undefined || typeof value === 'string' || typeof value === 'number';
}

function comparison(op: (a: string | number, b: string | number) => boolean): BinaryOp {
  return (lhs, rhs) => {
    if (!comparable(lhs) || !comparable(rhs)) throw new Bailout('comparing values that are not strings or numbers (T2010)');
    if (lhs === undefined || rhs === undefined) return undefined;
    if (typeof lhs !== typeof rhs) throw new Bailout('comparing a string with a number (T2009)');
    return op(lhs as string | number, rhs as string | number);
  };
}

function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const list = Array.isArray(rhs) ? rhs : [rhs];
  for (const item of list) if (item === lhs) return true;
  return false;
}

export const BINARY_OPS: ReadonlyMap<string, BinaryOp> = new Map<string, BinaryOp>([
  ['+', numeric((a, b) => a + b)],
  ['-', numeric((a, b) => a - b)],
  ['*', numeric((a, b) => a * b)],
  ['/', numeric((a, b) => a / b)],
  ['%', numeric((a, b) => a % b)],
  ['=', (lhs, rhs) => (lhs === undefined || rhs === undefined ? false : deepEqual(lhs, rhs))],
  ['!=', (lhs, rhs) => (lhs === undefined || rhs === undefined ? false : !deepEqual(lhs, rhs))],
  ['<', comparison((a, b) => a < b)],
  ['<=', comparison((a, b) => a <= b)],
  ['>', comparison((a, b) => a > b)],
  ['>=', comparison((a, b) => a >= b)],
  ['&', (lhs, rhs) => (stringOf(lhs) ?? '') + (stringOf(rhs) ?? '')],
  ['in', includes],
]);

/** jsonata's boolize: the effective boolean value, undefined counting as false. */
export function boolize(value: unknown): boolean {
  return toBoolean(value) ?? false;
}

/** Unary minus. */
export function negate(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (!isNumeric(value)) throw new Bailout('negating a non-number (D1002)');
  return -value;
}
