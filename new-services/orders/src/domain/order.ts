import type { Order } from '../contract';
import type { Product } from '../../../catalog/src/contract';
import { ProductNotOrderableError } from './errors';
import { assertOrderInvariants } from './invariants';

/** An order before the store gives it an id. */
export type NewOrder = Omit<Order, 'id'>;

/** What a customer asks for; prices are never part of it. */
export interface OrderRequest {
  readonly customerId: number;
  readonly note?: string | null | undefined;
  readonly lines: ReadonlyArray<{ readonly productId: number; readonly quantity: number }>;
}

/**
 * Places a new order, `pending` until checkout has reserved its stock: prices every line from the catalog's products (never from the client),
 * refuses products that are not active, and checks the invariants before anything is stored.
 * `products` must hold every requested product id.
 */
export function placeOrder(request: OrderRequest, products: ReadonlyMap<number, Product>, now: Date): NewOrder {
  const refused: Array<{ index: number; productId: number; status: string }> = [];
  const lines = request.lines.map((line, index) => {
    const product = products.get(line.productId);
    if (product === undefined) throw new Error(`product ${line.productId} was not looked up`);
    if (product.status !== 'active') refused.push({ index, productId: line.productId, status: product.status });
    const { price } = product;
    return {
      lineNo: index + 1,
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: { amount: price.amount, currency: price.currency },
      amount: { amount: price.amount * line.quantity, currency: price.currency },
    };
  });
  if (refused.length > 0) throw new ProductNotOrderableError(refused);
  const stamp = now.toISOString();
  const first = lines[0];
  const order: NewOrder = {
    customerId: request.customerId,
    status: 'pending',
    note: request.note ?? null,
    lines,
    // An empty order has no currency; the invariants below refuse it with a clear violation.
    total: { amount: lines.reduce((sum, l) => sum + l.amount.amount, 0), currency: first?.unitPrice.currency ?? 'XXX' },
    placedAt: stamp,
    updatedAt: stamp,
  };
  assertOrderInvariants(order);
  return order;
}

/** The header of an order, as listed: everything but the lines. */
export function summarize({ lines: _lines, ...summary }: Order): Omit<Order, 'lines'> {
  return summary;
}
