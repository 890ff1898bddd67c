import { z } from 'zod';
import type { NewOrder } from '../db/place-order';
import { LegacyHttpError } from './errors';

const id = z.number().int().min(1).max(999_999_999);

/** The checkout body in the monolith's own shape: `{"CUST_ID":1,"LINES":[{"PRD_ID":5,"ORD_LN_QTY":2}]}`. */
export const newOrderSchema = z.object({
  CUST_ID: id,
  ORD_RMK: z.string().max(200).nullable().optional(),
  LINES: z
    .array(z.object({ PRD_ID: id, ORD_LN_QTY: z.number().int().min(1).max(9999) }))
    .min(1)
    .max(100),
});

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  return `${where}: ${issue.message}`;
}

/** Validates a checkout body; a 400 listing every problem (with its path) when it is not acceptable. */
export function parseNewOrder(body: unknown): NewOrder {
  const result = newOrderSchema.safeParse(body);
  if (!result.success) {
    throw new LegacyHttpError(400, 'BAD_REQ', `invalid order: ${result.error.issues.map(describe).join('; ')}`);
  }
  return result.data;
}
