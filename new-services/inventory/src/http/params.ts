import { z } from 'zod';
import { ReservationIdSchema } from '../contract';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

/** Default and upper bound of a page; the bound keeps one caller from reading the whole table at once. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const positive = (max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

const PagingSchema = z.object({ page: positive(1_000_000_000).default(1), size: positive(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE) });

export interface Paging {
  page: number;
  size: number;
  offset: number;
}

/** Reads `page` and `size`; 400 listing each bad parameter. */
export function parsePaging(query: unknown): Paging {
  const { page, size } = parseOr400(PagingSchema, query, 'query string', 'invalid-parameter');
  return { page, size, offset: (page - 1) * size };
}

/** Reads a product id from the path; 400 when it is not a positive integer. */
export function parseProductId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2_147_483_647) {
    throw new HttpProblem('invalid-parameter', 'product id must be a positive integer', [{ path: 'productId', message: 'must be a positive integer' }]);
  }
  return Number(raw);
}

/** Reads a reservation id from the path. */
export function parseReservationId(raw: unknown): string {
  const parsed = ReservationIdSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new HttpProblem('invalid-parameter', `reservation id ${message}`, [{ path: 'id', message }]);
}
