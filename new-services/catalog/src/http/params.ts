import { HttpProblem } from './problems';

/** Default and upper bound of a page; the bound keeps one caller from reading the whole catalogue at once. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const MAX_PAGE = 1_000_000_000;

function boundedInt(raw: unknown, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new HttpProblem('bad-parameter', `${name} must be an integer between 1 and ${max}`, [
      { path: name, message: `must be an integer between 1 and ${max}` },
    ]);
  }
  return Number(raw);
}

/** Reads `page` and `size` from a query string; 400 on anything but a sane positive integer. */
export function parsePaging(query: Record<string, unknown>): { page: number; size: number } {
  return {
    page: boundedInt(query.page, 'page', 1, MAX_PAGE),
    size: boundedInt(query.size, 'size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/** Reads a numeric path id; 400 when it is not a positive safe integer. */
export function parseId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
    throw new HttpProblem('bad-parameter', 'id must be a positive integer', [{ path: 'id', message: 'must be a positive integer' }]);
  }
  return Number(raw);
}
