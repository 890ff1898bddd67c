import type { OrdersRepository } from '../db/repository';
import type { NewOrder } from '../domain';
import type { InventoryClient } from '../inventory-client';
import type { CheckoutMetrics } from './metrics';
import { describeError } from './phases';
import type { CheckoutResult } from './results';

/** The shadow run of a checkout: the same stock checks against current stock, and nothing reserved or written. */
export async function dryRunCheckout(
  order: NewOrder,
  deps: { readonly inventory: InventoryClient; readonly repo: OrdersRepository; readonly metrics: CheckoutMetrics },
): Promise<CheckoutResult> {
  const wanted = new Map<number, number>();
  for (const line of order.lines) wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
  for (const [productId, requested] of wanted) {
    let stock;
    try {
      stock = await deps.inventory.stock(productId);
    } catch (err) {
      return { kind: 'unavailable', reason: describeError(err) };
    }
    const available = stock?.available ?? 0;
    if (available < requested) return { kind: 'out-of-stock', productId, requested, available };
  }
  deps.metrics.outcome('dry_run');
  return { kind: 'confirmed', order: { ...order, id: await deps.repo.nextOrderId(), status: 'new' } };
}
