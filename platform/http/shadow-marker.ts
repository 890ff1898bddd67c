import type { Request, Response } from 'express';

/** Header the gateway puts on a mirrored copy of a request in shadow mode (and the orders saga on its dry runs). */
export const SHADOW_HEADER = 'x-strangler-shadow';

/**
 * True for a shadow copy. Any value but `0`/`false` counts: wrongly treating a real write as a
 * copy loses nothing the gateway relies on (legacy answered it), while the reverse would write twice.
 */
export function isShadowRequest(req: Request): boolean {
  const value = req.get(SHADOW_HEADER);
  if (value === undefined) return false;
  return !['', '0', 'false'].includes(value.trim().toLowerCase());
}

/** Marks an answer given without side effects, so the copy's answer is recognisable in shadow reports. */
export function markShadow(res: Response): void {
  res.setHeader(SHADOW_HEADER, '1');
}
