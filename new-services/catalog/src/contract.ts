import { z } from 'zod';

/**
 * The Catalog bounded context's published contract: the shapes its HTTP API speaks. Other parts
 * (the ACL, the gateway's tests, the orders service's client) import this file only, never the
 * service's internals.
 */

/** ISO 4217 code; the legacy shop only ever sold in one currency. */
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

/** Money as integer minor units (cents) plus currency: never floats, never decimal strings. */
export const MoneySchema = z
  .object({
    amount: z.number().int('must be an integer number of minor units').min(0),
    currency: CurrencySchema,
  })
  .strict();

/** UTC timestamp in ISO-8601 with a Z suffix, e.g. 2014-09-28T05:01:12Z (milliseconds optional). */
export const IsoInstantSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'must be an ISO-8601 UTC instant').refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');

/**
 * A UTC instant with milliseconds, always three digits, e.g. 2026-03-01T09:15:02.417Z
 * (`Date.prototype.toISOString`): for stamps that two answers a millisecond apart must tell apart.
 */
export const IsoInstantMillisSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO-8601 UTC instant with milliseconds')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');

export const ProductStatusSchema = z.enum(['active', 'discontinued']);

export const ProductSchema = z
  .object({
    id: z.number().int().positive(),
    sku: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).nullable(),
    price: MoneySchema,
    status: ProductStatusSchema,
    updatedAt: IsoInstantSchema,
  })
  .strict();

/**
 * A page of products, in id order: `GET /products?page=1&size=50`. `generatedAt` is when this page
 * was produced (the catalog: when it answered; through the ACL: the gateway's request time), so two
 * reads of the same page differ there and nowhere else. A single Product has no such stamp.
 */
export const ProductPageSchema = z
  .object({
    items: z.array(ProductSchema),
    page: z.number().int().min(1),
    size: z.number().int().min(1),
    total: z.number().int().min(0),
    generatedAt: IsoInstantMillisSchema,
  })
  .strict();

/** Body of `PUT /products/:id` (the id comes from the path and must match when present). */
export const ProductWriteSchema = ProductSchema.omit({ id: true }).extend({ id: z.number().int().positive().optional() }).strict();

/** Body of `POST /products/batch`: bulk idempotent upsert, at most 1000 products. */
export const ProductBatchSchema = z.object({ items: z.array(ProductSchema).min(1).max(1000) }).strict();

/** Answer of the batch upsert: how many rows were new, changed, or already identical. */
export const ProductBatchResultSchema = z.object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }).strict();

/** Flags every repeat of an id at its own index, pointing back at the first occurrence. */
function refuseRepeatedIds(ids: readonly number[], ctx: z.RefinementCtx): void {
  const first = new Map<number, number>();
  ids.forEach((id, index) => {
    const seen = first.get(id);
    if (seen === undefined) first.set(id, index);
    else ctx.addIssue({ code: 'custom', path: [index], message: `duplicates ids[${seen}] (${id}); ids must be unique within a batch` });
  });
}

/**
 * The ids of a batch delete: 1..1000 positive integers, each at most once. Shared with the orders
 * contract so both services refuse the same lists with the same paths (`ids[3]`).
 */
export const BatchDeleteIdsSchema = z.array(z.number().int().positive()).min(1).max(1000).superRefine(refuseRepeatedIds);

/** Body of `POST /products/batch-delete`: remove these products in one transaction. */
export const ProductBatchDeleteSchema = z.object({ ids: BatchDeleteIdsSchema }).strict();

/** Answer of a batch delete: ids that named a stored row (now gone) and ids that named nothing. */
export const BatchDeleteResultSchema = z.object({ deleted: z.number().int().min(0), missing: z.number().int().min(0) }).strict();

export type Money = z.infer<typeof MoneySchema>;
export type Product = z.infer<typeof ProductSchema>;
export type ProductPage = z.infer<typeof ProductPageSchema>;
export type ProductWrite = z.infer<typeof ProductWriteSchema>;
export type ProductBatch = z.infer<typeof ProductBatchSchema>;
export type ProductBatchResult = z.infer<typeof ProductBatchResultSchema>;
export type ProductBatchDelete = z.infer<typeof ProductBatchDeleteSchema>;
export type BatchDeleteResult = z.infer<typeof BatchDeleteResultSchema>;
