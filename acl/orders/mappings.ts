import { CreateOrderSchema, OrderPageSchema, OrderSchema } from '../../new-services/orders/src/contract';
import { isPage } from '../src/page-shape';
import type { MappingSpec } from '../src/mapping';
import { LegacyCreateOrderSchema } from './legacy-shapes';

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
];
