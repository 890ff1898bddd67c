import type { Money } from '../../../catalog/src/contract';
import type { OrderLine } from '../contract';
import { OrderInvariantError, type InvariantViolation } from './errors';

/** What the invariants look at: an order with or without its id. */
export interface OrderBody {
  readonly lines: readonly OrderLine[];
  readonly total: Money;
}

function safeAmount(path: string, money: Money, out: InvariantViolation[]): void {
  // Amounts are integer minor units; past 2^53 JavaScript numbers stop being exact.
  if (!Number.isSafeInteger(money.amount)) {
    out.push({ code: 'AMOUNT_TOO_LARGE', path: `${path}.amount`, message: 'amount is too large to be exact' });
  }
}

function lineViolations(line: OrderLine, index: number, currency: string | undefined, seen: Set<number>, out: InvariantViolation[]): void {
  const at = `lines[${index}]`;
  if (seen.has(line.lineNo)) {
    out.push({ code: 'DUPLICATE_LINE_NO', path: `${at}.lineNo`, message: `line number ${line.lineNo} is used twice` });
  }
  seen.add(line.lineNo);
  safeAmount(`${at}.unitPrice`, line.unitPrice, out);
  safeAmount(`${at}.amount`, line.amount, out);
  for (const field of ['unitPrice', 'amount'] as const) {
    if (currency !== undefined && line[field].currency !== currency) {
      out.push({ code: 'CURRENCY_MISMATCH', path: `${at}.${field}.currency`, message: `currency ${line[field].currency} differs from the order's ${currency}` });
    }
  }
  const expected = line.unitPrice.amount * line.quantity;
  if (line.amount.amount !== expected) {
    out.push({ code: 'LINE_AMOUNT_MISMATCH', path: `${at}.amount.amount`, message: `amount must be unitPrice × quantity = ${expected}, got ${line.amount.amount}` });
  }
}

/** Every invariant an order breaks, each with the path of the offending field; empty when the order is sound. */
export function orderViolations(order: OrderBody): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  if (order.lines.length === 0) {
    out.push({ code: 'EMPTY_ORDER', path: 'lines', message: 'an order has at least one line' });
    return out;
  }
  // The total's currency is the order's currency: every line must agree with it.
  const currency = order.total.currency;
  const seen = new Set<number>();
  order.lines.forEach((line, i) => lineViolations(line, i, currency, seen, out));
  safeAmount('total', order.total, out);
  const sum = order.lines.reduce((acc, l) => acc + l.amount.amount, 0);
  if (order.total.amount !== sum) {
    out.push({ code: 'TOTAL_MISMATCH', path: 'total.amount', message: `total must be the sum of line amounts = ${sum}, got ${order.total.amount}` });
  }
  return out;
}

/** Throws OrderInvariantError carrying every violation when the order is not sound. */
export function assertOrderInvariants(order: OrderBody): void {
  const violations = orderViolations(order);
  if (violations.length > 0) throw new OrderInvariantError(violations);
}
