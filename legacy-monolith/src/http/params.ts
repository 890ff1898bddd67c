import { LegacyHttpError } from './errors';

/** Default and upper bound of a page; the bound protects the shared database from a single caller. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Paging {
  page: number;
  size: number;
  offset: number;
}

function positiveInt(raw: unknown, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new LegacyHttpError(400, 'BAD_PARAM', `${name} must be a positive integer`);
  }
  const value = Number(raw);
  if (value < 1 || value > max) {
    throw new LegacyHttpError(400, 'BAD_PARAM', `${name} must be between 1 and ${max}`);
  }
  return value;
}

/** Reads `page` and `size` from a query string; 400 on anything that is not a sane positive integer. */
export function parsePaging(query: Record<string, unknown>): Paging {
  const page = positiveInt(query.page, 'page', 1, 1_000_000_000);
  const size = positiveInt(query.size, 'size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { page, size, offset: (page - 1) * size };
}

/** Reads a numeric path id; 400 when it is not one. */
export function parseId(raw: unknown, name: string): number {
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new LegacyHttpError(400, 'BAD_PARAM', `${name} must be a positive integer`);
  }
  return Number(raw);
}

/** Reads an optional positive integer query parameter. */
export function parseOptionalInt(raw: unknown, name: string, max: number): number | undefined {
  return raw === undefined ? undefined : positiveInt(raw, name, 0, max);
}
