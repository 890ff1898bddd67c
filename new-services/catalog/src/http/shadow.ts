import type { Request } from 'express';

/** The header the gateway puts on a mirrored copy of a request in shadow mode. */
export const SHADOW_HEADER = 'x-strangler-shadow';

/**
 * A shadow copy is the second delivery of a request legacy is already serving: it must be answered
 * exactly as if done (so the gateway can compare) but must change nothing, or the new database
 * would take writes twice, once now and once from the backfill/sync.
 */
export function isShadowCopy(req: Request): boolean {
  // The gateway sends "1"; any other non-empty value but "0" also counts, since a write wrongly
  // suppressed is recoverable and a write wrongly applied is not.
  const value = req.get(SHADOW_HEADER)?.trim();
  return value !== undefined && value !== '' && value !== '0';
}
