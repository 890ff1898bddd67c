import { z } from 'zod';
import { BatchDeleteIdsSchema, IsoInstantSchema, MoneySchema } from '../../catalog/src/contract';

/** The answer of `POST /orders/batch-delete` is the catalog's `{ deleted, missing }`, re-exported so callers need one import. */
export { BatchDeleteResultSchema, type BatchDeleteResult } from '../../catalog/src/contract';

/**
 * The Ordering bounded context's published contract. Money and instants are the same value
 * types as the catalog's (shared through the catalog's published contract, not its internals).
 */

/**
 * `pending` is checkout's semantic lock: the order exists while its saga reserves stock, and
 * becomes `new` when confirmed or `rejected` (final, with `rejectionReason`) when it cannot be.
 */
export const OrderStatusSchema = z.enum(['pending', 'new', 'paid', 'shipped', 'cancelled', 'rejected']);

export const OrderLineSchema = z
  .object({
    lineNo: z.number().int().min(1),
    productId: z.number().int().positive(),
    quantity: z.number().int().min(1),
    unitPrice: MoneySchema,
    amount: MoneySchema,
  })
  .strict();

/** An order with its lines. Invariants (total = sum of line amounts, one currency, at least one line) are the domain's; the schema checks shape. */
export const OrderSchema = z
  .object({
    id: z.number().int().positive(),
    customerId: z.number().int().positive(),
    status: OrderStatusSchema,
    note: z.string().max(1000).nullable(),
    lines: z.array(OrderLineSchema).min(1, 'an order has at least one line'),
    total: MoneySchema,
    placedAt: IsoInstantSchema,
    updatedAt: IsoInstantSchema,
    /** Why checkout rejected the order (`out-of-stock: product 7`); present on rejected orders only. */
    rejectionReason: z.string().min(1).max(500).optional(),
  })
  .strict();

/** One row of the order list: the header without lines. */
export const OrderSummarySchema = OrderSchema.omit({ lines: true }).strict();

export const OrderPageSchema = z
  .object({
    items: z.array(OrderSummarySchema),
    page: z.number().int().min(1),
    size: z.number().int().min(1),
    total: z.number().int().min(0),
  })
  .strict();

/** A page of whole orders, lines included: `GET /orders?expand=lines`. */
export const OrderFullPageSchema = z
  .object({
    items: z.array(OrderSchema),
    page: z.number().int().min(1),
    size: z.number().int().min(1),
    total: z.number().int().min(0),
  })
  .strict();

/** Body of `POST /orders` (with an Idempotency-Key header): prices come from the catalog, never from the client. */
export const CreateOrderSchema = z
  .object({
    customerId: z.number().int().positive(),
    note: z.string().max(1000).nullable().optional(),
    lines: z
      .array(z.object({ productId: z.number().int().positive(), quantity: z.number().int().min(1).max(10_000) }).strict())
      .min(1, 'an order has at least one line')
      .max(100),
  })
  .strict();

/** Body of `POST /orders/batch`: bulk idempotent import of existing orders (backfill), at most 500. */
export const OrderBatchSchema = z.object({ items: z.array(OrderSchema).min(1).max(500) }).strict();

/** Body of `POST /orders/batch-delete`: 1..1000 unique order ids, deleted with their lines and idempotency records. */
export const OrderBatchDeleteSchema = z.object({ ids: BatchDeleteIdsSchema }).strict();

/**
 * The checkout saga, as `GET /sagas/:id` shows it. `running` reserves stock; `committing` is
 * past the pivot (the order is confirmed) and commits the reservations; `compensating` releases
 * them in reverse before rejecting the order; `done` and `rejected` are final. `stuck` marks a
 * saga whose retry budget ran out: it is retried when the service starts again, never dropped.
 */
export const SagaStateSchema = z.enum(['running', 'compensating', 'committing', 'done', 'rejected']);

/** A step's life: not yet tried, sent with no answer yet (or an unknown one), done, refused with nothing applied, or undone. */
export const SagaStepStateSchema = z.enum(['pending', 'attempted', 'done', 'failed', 'compensated']);

export const SagaStepSchema = z
  .object({
    no: z.number().int().min(1),
    /** `reserve:<line>`, `confirm` or `commit:<line>`. */
    name: z.string(),
    state: SagaStepStateSchema,
    attempts: z.number().int().min(0),
    lastError: z.string().nullable(),
    updatedAt: IsoInstantSchema,
  })
  .strict();

export const SagaSchema = z
  .object({
    id: z.string().uuid(),
    orderId: z.number().int().positive(),
    state: SagaStateSchema,
    stuck: z.boolean(),
    reason: z.string().nullable(),
    steps: z.array(SagaStepSchema),
    createdAt: IsoInstantSchema,
    updatedAt: IsoInstantSchema,
  })
  .strict();

export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export type SagaState = z.infer<typeof SagaStateSchema>;
export type SagaStepState = z.infer<typeof SagaStepStateSchema>;
export type SagaStep = z.infer<typeof SagaStepSchema>;
export type Saga = z.infer<typeof SagaSchema>;
export type OrderLine = z.infer<typeof OrderLineSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type OrderSummary = z.infer<typeof OrderSummarySchema>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
export type CreateOrder = z.infer<typeof CreateOrderSchema>;
export type OrderBatch = z.infer<typeof OrderBatchSchema>;
export type OrderFullPage = z.infer<typeof OrderFullPageSchema>;
export type OrderBatchDelete = z.infer<typeof OrderBatchDeleteSchema>;
