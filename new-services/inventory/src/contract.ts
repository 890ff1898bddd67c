import { z } from 'zod';
import { BatchDeleteIdsSchema, IsoInstantSchema } from '../../catalog/src/contract';

/** The answers of `POST /inventory/batch` and `/inventory/batch-delete` are the catalog's, re-exported so callers need one import. */
export { BatchDeleteResultSchema, ProductBatchResultSchema as StockBatchResultSchema, type BatchDeleteResult } from '../../catalog/src/contract';

/**
 * The Inventory bounded context's published contract: stock per product and the reservations
 * that hold part of it. Other parts (the ACL, the orders service's client) import this file only.
 */

const units = z.number().int().min(0).max(2_000_000_000);

/**
 * Stock of one product, single warehouse. `reserved` is every unit set aside: by this service's
 * held reservations and by the owner it was copied from (the monolith's INV_QTY_RSV);
 * `available` = `onHand` − `reserved`, never below zero.
 */
export const StockSchema = z
  .object({
    productId: z.number().int().positive(),
    onHand: units,
    reserved: units,
    available: units,
    updatedAt: IsoInstantSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.available !== s.onHand - s.reserved) {
      ctx.addIssue({ code: 'custom', path: ['available'], message: `must be onHand − reserved = ${s.onHand - s.reserved}` });
    }
  });

/** A page of stock in product id order: `GET /inventory?page=1&size=50`. */
export const StockPageSchema = z
  .object({
    items: z.array(StockSchema),
    page: z.number().int().min(1),
    size: z.number().int().min(1),
    total: z.number().int().min(0),
  })
  .strict();

/** Body of `POST /inventory/batch`: bulk idempotent import of stock from its previous owner (backfill, sync), at most 1000. */
export const StockBatchSchema = z.object({ items: z.array(StockSchema).min(1).max(1000) }).strict();

/** Body of `POST /inventory/batch-delete`: stock rows the previous owner no longer has. */
export const StockBatchDeleteSchema = z.object({ ids: BatchDeleteIdsSchema }).strict();

/**
 * A reservation's life: `held` (counted in `reserved`) until it is `committed` (the units leave
 * `onHand`), `released` by its owner, or `expired` after its TTL. The last three are final.
 */
export const ReservationStateSchema = z.enum(['held', 'committed', 'released', 'expired']);

/** Reservation ids are chosen by the caller (the orders saga: `<saga id>:<line>`), which makes reserving idempotent. */
export const ReservationIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1 to 100 characters of A-Z a-z 0-9 . _ : -');

export const ReservationSchema = z
  .object({
    id: ReservationIdSchema,
    /** Null only for a release that arrived before any reservation: the tombstone that keeps a late reserve from holding stock. */
    productId: z.number().int().positive().nullable(),
    quantity: z.number().int().min(0),
    state: ReservationStateSchema,
    /** When a held reservation expires; null for a tombstone. */
    expiresAt: IsoInstantSchema.nullable(),
    createdAt: IsoInstantSchema,
    updatedAt: IsoInstantSchema,
  })
  .strict();

/** Longest hold a caller may ask for: a day. Checkout needs seconds; the default is the service's setting. */
export const MAX_TTL_SECONDS = 86_400;

/** Body of `PUT /reservations/:id`. */
export const ReserveSchema = z
  .object({
    productId: z.number().int().positive(),
    quantity: z.number().int().min(1).max(1_000_000),
    ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS).optional(),
  })
  .strict();

export type Stock = z.infer<typeof StockSchema>;
export type StockPage = z.infer<typeof StockPageSchema>;
export type StockBatch = z.infer<typeof StockBatchSchema>;
export type ReservationState = z.infer<typeof ReservationStateSchema>;
export type Reservation = z.infer<typeof ReservationSchema>;
export type Reserve = z.infer<typeof ReserveSchema>;
