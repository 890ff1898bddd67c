import type { Request } from 'express';
import type { Precondition } from '../domain/preconditions';

/** The ETag of a stored version: strong, because the version changes with every change to the body. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** `*`, or the versions named by strong tags; weak tags never match a strong comparison (RFC 9110 §13.1.1). */
type TagList = '*' | number[];

function parseTags(header: string): TagList {
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => /^"(\d{1,15})"$/.exec(tag.trim())?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number);
}

function matches(tags: TagList, version: number | undefined): boolean {
  if (version === undefined) return false;
  return tags === '*' || tags.includes(version);
}

/**
 * The write condition a PUT carries: `If-Match` must name the current version (`*`: the product
 * must exist), `If-None-Match` must not (`*`: no product may exist yet). Both may be present.
 */
export function preconditionFrom(req: Request): Precondition {
  const ifMatch = req.get('if-match');
  const ifNoneMatch = req.get('if-none-match');
  const must = ifMatch === undefined ? undefined : parseTags(ifMatch);
  const mustNot = ifNoneMatch === undefined ? undefined : parseTags(ifNoneMatch);
  return (current) => (must === undefined || matches(must, current)) && (mustNot === undefined || !matches(mustNot, current));
}
