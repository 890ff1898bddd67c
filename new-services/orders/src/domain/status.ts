import type { Order, OrderStatus } from '../contract';
import { IllegalTransitionError } from './errors';

/**
 * The order lifecycle. Shipped and cancelled are final: a shipped order is returned through a
 * separate process, never by rewinding its status. `pending` is left only by the checkout saga:
 * to `new` (confirmed) or `rejected` (final).
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  pending: Object.freeze(['new', 'rejected'] as const),
  new: Object.freeze(['paid', 'cancelled'] as const),
  paid: Object.freeze(['shipped', 'cancelled'] as const),
  shipped: Object.freeze([] as const),
  cancelled: Object.freeze([] as const),
  rejected: Object.freeze([] as const),
});

export function allowedNextSteps(from: OrderStatus): readonly OrderStatus[] {
  return ALLOWED_TRANSITIONS[from];
}

/** Returns the order in its next status, stamped `now`; throws IllegalTransitionError otherwise (the same status included). */
export function transitionOrder(order: Order, to: OrderStatus, now: Date): Order {
  const allowed = allowedNextSteps(order.status);
  if (!allowed.includes(to)) throw new IllegalTransitionError(order.status, to, allowed);
  return { ...order, status: to, updatedAt: now.toISOString() };
}
