import { CreateOrderSchema, OrderPageSchema, OrderSchema } from '../../new-services/orders/src/contract';
import { isPage } from '../src/page-shape';
import type { MappingSpec } from '../src/mapping';
import { LegacyCreateOrderSchema, LegacyOrderPageSchema, LegacyOrderSchema } from './legacy-shapes';

/** True when a legacy-shaped answer is a page (`ROWS` present). */
function isLegacyPage(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && 'ROWS' in answer;
}

/** The Ordering context's mappings. */
export const ordersMappings: readonly MappingSpec[] = [
  {
    name: 'orders/order-read',
    file: 'orders/order-read.jsonata',
    output: (answer) => (isPage(answer) ? OrderPageSchema : OrderSchema),
    schemas: [OrderPageSchema, OrderSchema],
  },
  {
    name: 'orders/create-to-legacy',
    file: 'orders/create-to-legacy.jsonata',
    input: CreateOrderSchema,
    output: () => LegacyCreateOrderSchema,
    schemas: [LegacyCreateOrderSchema],
  },
  {
    name: 'orders/order-to-legacy',
    file: 'orders/order-to-legacy.jsonata',
    output: (answer) => (isLegacyPage(answer) ? LegacyOrderPageSchema : LegacyOrderSchema),
    schemas: [LegacyOrderPageSchema, LegacyOrderSchema],
  },
];
