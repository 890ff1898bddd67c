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
