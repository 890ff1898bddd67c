import { loadMapping } from '../index';
import { isPlainJson, toPlainJson } from '../src/plain-json';
import { NOW } from './kit';

function isPlain(value: unknown): boolean {
  if (Array.isArray(value)) return Object.keys(value).length === value.length && value.every(isPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isPlain);
  }
  return true;
}

describe('plain JSON answers', () => {
  it('strips jsonata sequence flags and null prototypes', () => {
    const seq = Object.assign([1, 2], { sequence: true, keepSingleton: true });
    const obj = Object.assign(Object.create(null) as Record<string, unknown>, { a: seq, b: undefined, c: () => 1 });
    const plain = toPlainJson(obj);
    expect(plain).toStrictEqual({ a: [1, 2] });
    expect(isPlain(plain)).toBe(true);
    expect(toPlainJson([undefined, Number.NaN])).toEqual([null, null]);
  });

  it('answers with plain objects and arrays from a real mapping', async () => {
    const page = await loadMapping('orders/create-to-legacy').evaluate(
      { customerId: 1, lines: [{ productId: 5, quantity: 2 }, { productId: 6, quantity: 1 }] },
      { now: NOW },
    );
    expect(isPlain(page)).toBe(true);
    expect(JSON.stringify(page)).toBe('{"CUST_ID":1,"ORD_RMK":null,"LINES":[{"PRD_ID":5,"ORD_LN_QTY":2},{"PRD_ID":6,"ORD_LN_QTY":1}]}');
  });

  it('says an answer needs no copy only when toPlainJson would leave it as it is', () => {
    const plain = { a: [1, 'x', null, true, { b: [] }], c: { d: 1.5 } };
    expect(isPlainJson(plain)).toBe(true);
    expect(toPlainJson(plain)).toStrictEqual(plain);
    const notPlain: unknown[] = [
      { a: undefined },
      { a: Number.NaN },
      [1, Number.POSITIVE_INFINITY],
      Object.assign([1], { sequence: true }),
      { a: Object.assign([1], { keepSingleton: true }) },
      Object.create(null) as object,
      { a: Object.create({ inherited: 1 }) as object },
      { a: () => 1 },
      { a: new Date(0) },
      [, 1],
    ];
    for (const value of notPlain) expect([value, isPlainJson(value)]).toEqual([value, false]);
  });

  it('never counts a field for-in lists from a polluted Object.prototype as the object\'s own', () => {
    const value = { a: 1 };
    expect(isPlainJson(value)).toBe(true);
    const proto = Object.prototype as { injected?: unknown };
    proto.injected = 1;
    try {
      // for-in now lists `injected` for every plain object; it is not the object's own.
      expect(isPlainJson(value)).toBe(false);
      expect(isPlainJson({ a: 1, injected: 2 })).toBe(true);
    } finally {
      delete proto.injected;
    }
    expect(isPlainJson(value)).toBe(true);
  });
});
