import {
  ALLOWED_TRANSITIONS, IllegalTransitionError, OrderInvariantError, ProductNotOrderableError,
  assertOrderInvariants, orderViolations, placeOrder, transitionOrder,
} from '../src/domain';
import type { Order, OrderStatus } from '../src/contract';
import { product } from './kit/catalog-stub';
import { importedOrder } from './kit/orders';

const NOW = new Date('2024-05-06T07:08:09.000Z');

describe('order invariants', () => {
  it('accepts a sound order', () => {
    expect(orderViolations(importedOrder(1))).toEqual([]);
    expect(() => assertOrderInvariants(importedOrder(1))).not.toThrow();
  });

  it('refuses an order without lines', () => {
    expect(orderViolations({ ...importedOrder(1), lines: [] })).toEqual([
      { code: 'EMPTY_ORDER', path: 'lines', message: 'an order has at least one line' },
    ]);
  });

  it('requires line amount = unitPrice × quantity', () => {
    const order = importedOrder(1);
    const [first, second] = order.lines as [Order['lines'][number], Order['lines'][number]];
    const broken = { ...order, lines: [{ ...first, quantity: 3 }, second] };
    expect(orderViolations(broken).map((v) => [v.code, v.path])).toEqual([['LINE_AMOUNT_MISMATCH', 'lines[0].amount.amount']]);
  });

  it('requires total = sum of line amounts', () => {
    const violations = orderViolations({ ...importedOrder(1), total: { amount: 2900, currency: 'EUR' } });
    expect(violations).toEqual([expect.objectContaining({ code: 'TOTAL_MISMATCH', path: 'total.amount' })]);
    expect(violations[0]?.message).toContain('2899');
  });

  it('requires one currency across lines and total, and lists every violation at once', () => {
    const order = importedOrder(1);
    const [first, second] = order.lines as [Order['lines'][number], Order['lines'][number]];
    const mixed = {
      ...order,
      lines: [first, { ...second, unitPrice: { amount: 399, currency: 'USD' }, amount: { amount: 399, currency: 'USD' } }],
      total: { amount: 2899, currency: 'GBP' },
    };
    const paths = orderViolations(mixed).map((v) => `${v.code} ${v.path}`);
    expect(paths).toEqual([
      'CURRENCY_MISMATCH lines[0].unitPrice.currency',
      'CURRENCY_MISMATCH lines[0].amount.currency',
      'CURRENCY_MISMATCH lines[1].unitPrice.currency',
      'CURRENCY_MISMATCH lines[1].amount.currency',
    ]);
    let caught: unknown;
    try {
      assertOrderInvariants(mixed);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OrderInvariantError);
    expect((caught as OrderInvariantError).code).toBe('ORDER_INVARIANT_VIOLATED');
    expect((caught as OrderInvariantError).violations).toHaveLength(4);
  });

  it('refuses duplicate line numbers and amounts past exact integers', () => {
    const order = importedOrder(1);
    const [first] = order.lines as [Order['lines'][number]];
    const big = Number.MAX_SAFE_INTEGER + 2;
    const codes = orderViolations({
      ...order,
      lines: [first, { ...first, unitPrice: { amount: big, currency: 'EUR' }, quantity: 1, amount: { amount: big, currency: 'EUR' } }],
      total: { amount: 2500 + big, currency: 'EUR' },
    }).map((v) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['DUPLICATE_LINE_NO', 'AMOUNT_TOO_LARGE']));
  });
});

describe('placeOrder', () => {
  const products = new Map([
    [1, product(1, 1250)],
    [2, product(2, 399)],
    [3, product(3, 1000, { status: 'discontinued' })],
    [4, product(4, 700, { price: { amount: 700, currency: 'USD' } })],
  ]);

  it('prices every line from the catalog and totals them, pending until checkout confirms it', () => {
    const order = placeOrder({ customerId: 9, lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 3 }] }, products, NOW);
    expect(order).toEqual({
      customerId: 9,
      status: 'pending',
      note: null,
      lines: [
        { lineNo: 1, productId: 1, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' }, amount: { amount: 2500, currency: 'EUR' } },
        { lineNo: 2, productId: 2, quantity: 3, unitPrice: { amount: 399, currency: 'EUR' }, amount: { amount: 1197, currency: 'EUR' } },
      ],
      total: { amount: 3697, currency: 'EUR' },
      placedAt: '2024-05-06T07:08:09.000Z',
      updatedAt: '2024-05-06T07:08:09.000Z',
    });
  });

  it('refuses a product that is not active, naming the line', () => {
    let caught: unknown;
    try {
      placeOrder({ customerId: 9, lines: [{ productId: 1, quantity: 1 }, { productId: 3, quantity: 1 }] }, products, NOW);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProductNotOrderableError);
    expect((caught as ProductNotOrderableError).lines).toEqual([{ index: 1, productId: 3, status: 'discontinued' }]);
  });

  it('refuses lines in two currencies', () => {
    expect(() => placeOrder({ customerId: 9, lines: [{ productId: 1, quantity: 1 }, { productId: 4, quantity: 1 }] }, products, NOW)).toThrow(OrderInvariantError);
  });

  it('refuses an empty order', () => {
    expect(() => placeOrder({ customerId: 9, lines: [] }, products, NOW)).toThrow(OrderInvariantError);
  });
});

describe('status transitions', () => {
  const all: OrderStatus[] = ['new', 'paid', 'shipped', 'cancelled'];
  const allowed = new Set(['new>paid', 'new>cancelled', 'paid>shipped', 'paid>cancelled']);

  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const order = importedOrder(1, { status: from });
    if (allowed.has(`${from}>${to}`)) {
      expect(transitionOrder(order, to, NOW)).toEqual({ ...order, status: to, updatedAt: NOW.toISOString() });
      return;
    }
    let caught: unknown;
    try {
      transitionOrder(order, to, NOW);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    const error = caught as IllegalTransitionError;
    expect(error.code).toBe('ILLEGAL_STATUS_TRANSITION');
    expect(error.allowed).toEqual(ALLOWED_TRANSITIONS[from]);
    expect(error.message).toContain(ALLOWED_TRANSITIONS[from].length === 0 ? 'none' : ALLOWED_TRANSITIONS[from].join(', '));
  });
});
