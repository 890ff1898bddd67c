import type { RequestSpan, WorkSpan } from './spans';

/** A translation's span, child of the request's (null when the request is not traced): which mapping, which way. */
export function startAclSpan(request: RequestSpan | null, mapping: string, direction: 'request' | 'response'): WorkSpan | null {
  return request?.step('acl translate', { 'strangler.acl.mapping': mapping, 'strangler.acl.direction': direction }) ?? null;
}

/**
 * Ends it with what the translation made: the items of the answer (a list's length, or the first
 * list field's of a page; 1 for a single record) and the rows the mapping's `drop` policy left out,
 * or the failure's kind. Counts only: a span never carries the body.
 */
export function endAclSpan(span: WorkSpan, value: unknown, dropped: number): void {
  span.end({ 'strangler.acl.items': itemsOf(value), 'strangler.acl.dropped': dropped });
}

export function failAclSpan(span: WorkSpan, kind: string): void {
  span.end(undefined, kind);
}

function itemsOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value !== 'object' || value === null) return 1;
  for (const field of Object.values(value)) if (Array.isArray(field)) return field.length;
  return 1;
}
