import { z } from 'zod';
import { HttpProblem } from './problems';
import { parseOr400 } from './validate';

/** Default and upper bound of a page; the bound keeps one caller from reading the whole table at once. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const positive = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

const PagingSchema = z.object({
  page: positive(1_000_000_000).default(1),
  size: positive(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export interface Paging {
  page: number;
  size: number;
  offset: number;
}

/** Reads `page` and `size` from a query string; 400 listing each bad parameter. */
export function parsePaging(query: unknown): Paging {
  const { page, size } = parseOr400(PagingSchema, query, 'query string', 'invalid-parameter');
  return { page, size, offset: (page - 1) * size };
}

/** What `GET /orders` can embed in each item; only `lines`, which turns summaries into whole orders. */
const ListQuerySchema = PagingSchema.extend({
  expand: z.literal('lines', { error: 'must be "lines" (the only expansion) or absent' }).optional(),
});

export interface ListQuery extends Paging {
  expand: 'lines' | undefined;
}

/** Reads `page`, `size` and `expand` of the order list; 400 listing each bad parameter at once. */
export function parseListQuery(query: unknown): ListQuery {
  const { page, size, expand } = parseOr400(ListQuerySchema, query, 'query string', 'invalid-parameter');
  return { page, size, offset: (page - 1) * size, expand };
}

/** Reads a numeric path id; 400 when it is not one. */
export function parseOrderId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new HttpProblem('invalid-parameter', 'order id must be a positive integer', [{ path: 'id', message: 'must be a positive integer' }]);
  }
  return Number(raw);
}
