import { ROUTE_MODES, type RouteMode } from '../config/schema';
import { checkPercent } from '../config/modes';
import { HTTP_METHODS } from '../http/methods';
import { UsageError } from './options';

/** Parsers for the flags of the route control commands; each refuses a bad value as a usage error (exit 2) before anything is read or changed. */

export function parseMode(value: string): RouteMode {
  const mode = ROUTE_MODES.find((m) => m === value);
  if (mode === undefined) throw new UsageError(`unknown mode "${value}": valid modes are ${ROUTE_MODES.join(', ')}`);
  return mode;
}

export function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--percent "${value}" is not a number`);
  const bad = checkPercent(n);
  if (bad) throw new UsageError(`--percent ${value} ${bad}`);
  return n;
}

export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000) throw new UsageError(`--limit "${value}" is not a whole number from 1 to 10000`);
  return Number(value);
}

/** A method a route may name: anything else (FETCH, a typo) could never match, so it is refused rather than explained. */
export function parseMethod(value: string): string {
  const method = HTTP_METHODS.find((m) => m === value.toUpperCase());
  if (method === undefined) throw new UsageError(`"${value}" is not an HTTP method a route can take: ${HTTP_METHODS.join(', ')}`);
  return method;
}

/** The request path to explain: a path as a client sends it, from the root. */
export function parseRequestPath(value: string): string {
  if (!value.startsWith('/')) throw new UsageError(`"${value}" is not a request path: the path must start with / (e.g. /${value.replace(/^\/*/, '')})`);
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO-8601 time (2024-05-01 or 2024-05-01T12:00:00Z), or a span back from now: 30m, 1h, 24h, 7d. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const span = /^(\d+)([mhd])$/.exec(value);
  if (span) return new Date(now.getTime() - Number(span[1]) * (UNIT_MS[span[2] ?? ''] ?? 0));
  const at = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : null;
  if (at === null || Number.isNaN(at.getTime())) {
    throw new UsageError(`--since "${value}" is neither an ISO time (2024-05-01T12:00:00Z) nor a span back from now (30m, 1h, 24h, 7d)`);
  }
  return at;
}
