import { z } from 'zod';

/**
 * The monolith's checkout body (`POST /api/orders`), as the monolith validates it. The ACL owns its
 * knowledge of legacy shapes, so this is a copy of the monolith's rules, not an import: ids up to
 * 999 999 999, a remark of at most 200 characters, 1–100 lines of 1–9 999 units each.
 */
const legacyId = z.number().int().min(1).max(999_999_999);

export const LegacyCreateOrderSchema = z
  .object({
    CUST_ID: legacyId,
    ORD_RMK: z.string().max(200).nullable(),
    LINES: z
      .array(z.object({ PRD_ID: legacyId, ORD_LN_QTY: z.number().int().min(1).max(9999) }).strict())
      .min(1)
      .max(100),
  })
  .strict();

export type LegacyCreateOrder = z.infer<typeof LegacyCreateOrderSchema>;

/**
 * The monolith's order (`GET /api/orders/:id`: the ORD_HDR row with its ORD_LN rows as LINES) and
 * its page (headers only), key for key, as the monolith serves them: what the reverse mapping
 * `orders/order-to-legacy` answers to legacy readers once the orders service owns orders. Money is
 * the monolith's DECIMAL(12,2) string, dates its YYYYMMDD / YYYYMMDDHHMMSS strings, and the
 * status one of its four codes (N new, P paid, S shipped, C cancelled).
 */
const legacyDecimal = z.string().regex(/^[0-9]{1,10}\.[0-9]{2}$/, 'must be a DECIMAL(12,2) such as 1697.36');
const legacyTimestamp = z.string().regex(/^\d{14}$/, 'must be YYYYMMDDHHMMSS');

export const LegacyOrderLineSchema = z
  .object({
    ORD_ID: legacyId,
    ORD_LN_NO: z.number().int().min(1),
    PRD_ID: legacyId,
    ORD_LN_QTY: z.number().int().min(1).max(9999),
    ORD_LN_PRC: legacyDecimal,
    ORD_LN_AMT: legacyDecimal,
    ORD_LN_UPD_TS: legacyTimestamp,
  })
  .strict();

const legacyOrderHeader = {
  ORD_ID: legacyId,
  CUST_ID: legacyId,
  ORD_DT: z.string().regex(/^\d{8}$/, 'must be YYYYMMDD'),
  ORD_STS: z.enum(['N', 'P', 'S', 'C']),
  ORD_TOT_AMT: legacyDecimal,
  ORD_SHP_TS: legacyTimestamp.nullable(),
  ORD_RMK: z.string().max(200).nullable(),
  ORD_UPD_TS: legacyTimestamp,
};

export const LegacyOrderHeaderSchema = z.object(legacyOrderHeader).strict();

export const LegacyOrderSchema = z
  .object({ ...legacyOrderHeader, LINES: z.array(LegacyOrderLineSchema) })
  .strict();

export const LegacyOrderPageSchema = z
  .object({
    PAGE: z.number().int().min(1),
    SIZE: z.number().int().min(1),
    TOTAL: z.number().int().min(0),
    ROWS: z.array(LegacyOrderHeaderSchema),
  })
  .strict();

export type LegacyOrder = z.infer<typeof LegacyOrderSchema>;
