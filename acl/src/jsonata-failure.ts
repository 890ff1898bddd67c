import type { JsonataLocation } from './errors';

/** A jsonata failure as jsonata throws it: a plain object, not an Error. */
export interface JsonataFailure {
  readonly code: string;
  readonly position?: number;
  readonly message?: string;
}

export function isJsonataFailure(err: unknown): err is JsonataFailure {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

export function locationOf(err: JsonataFailure): JsonataLocation {
  return { jsonataCode: err.code, position: typeof err.position === 'number' ? err.position : undefined };
}

export function describe(err: unknown): string {
  if (err instanceof Error || isJsonataFailure(err)) return err.message ?? 'unknown error';
  return String(err);
}
