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

/** The digit at `at`, or -100 (so that any two-digit number with a non-digit in it is negative). */
const digit = (text: string, at: number): number => {
  const c = text.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : -100;
};
const twoDigits = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);
const [DASH, COLON, DOT, T, Z] = ['-', ':', '.', 'T', 'Z'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number];

/**
 * `YYYY-MM-DDTHH:MM:SS[.mmm]Z` with a month 01–12, a day 01–28, an hour 00–23 and minutes and
 * seconds 00–59: a date every calendar has, whatever the year (contract-instant.test.ts holds
 * Date.parse to it). Character codes only: this runs for every instant of every page.
 */
function plainlyRealInstant(text: string): boolean {
  if (typeof text !== 'string') return false;
  const n = text.length;
  if (n === 24) {
    if (text.charCodeAt(19) !== DOT || digit(text, 20) < 0 || digit(text, 21) < 0 || digit(text, 22) < 0) return false;
  } else if (n !== 20) return false;
  if (text.charCodeAt(n - 1) !== Z || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== T || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return false;
  if (twoDigits(text, 0) < 0 || twoDigits(text, 2) < 0) return false;
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  return month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/**
 * "A real date": exactly `!Number.isNaN(Date.parse(text))`, asked of Date.parse only when the text
 * is not plainly real (days 29–31 and whatever else it must judge). Date.parse was half of what
 * validating a product page cost; the answer is the same for every string.
 */
export function isRealDate(text: string): boolean {
  return plainlyRealInstant(text) || !Number.isNaN(Date.parse(text));
}

/** UTC timestamp in ISO-8601 with a Z suffix, e.g. 2014-09-28T05:01:12Z (milliseconds optional). */
export const IsoInstantSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'must be an ISO-8601 UTC instant').refine(isRealDate, 'must be a real date');

/**
 * A UTC instant with milliseconds, always three digits, e.g. 2026-03-01T09:15:02.417Z
 * (`Date.prototype.toISOString`): for stamps that two answers a millisecond apart must tell apart.
 */
export const IsoInstantMillisSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO-8601 UTC instant with milliseconds')
  .refine(isRealDate, 'must be a real date');

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
