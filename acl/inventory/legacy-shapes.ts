import { z } from 'zod';

/**
 * The monolith's stock row (`GET /api/inventory/:id`, table INV_BAL) and its page, as the
 * monolith serves them, key for key: legacy clients read what the reverse mapping answers as if
 * the monolith had. A copy of the monolith's rules, not an import: the ACL owns its knowledge of
 * legacy shapes.
 */
const count = z.number().int().min(0).max(2_147_483_647);

export const LegacyStockSchema = z
  .object({
    PRD_ID: z.number().int().min(1).max(2_147_483_647),
    INV_LOC_CD: z.string().length(3),
    INV_QTY_OH: count,
    INV_QTY_RSV: count,
    INV_REORD_LVL: count.nullable(),
    INV_UPD_TS: z.string().regex(/^\d{14}$/, 'must be YYYYMMDDHHMMSS'),
  })
  .strict();

export const LegacyStockPageSchema = z
  .object({
    PAGE: z.number().int().min(1),
    SIZE: z.number().int().min(1),
    TOTAL: z.number().int().min(0),
    ROWS: z.array(LegacyStockSchema),
  })
  .strict();

export type LegacyStock = z.infer<typeof LegacyStockSchema>;
