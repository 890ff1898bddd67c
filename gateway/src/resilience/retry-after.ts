/**
 * Reads an upstream's Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Returns the
 * wait in milliseconds, or undefined when absent or unreadable (then it is ignored, not guessed).
 */
export function retryAfterMs(value: string | string[] | undefined, nowEpochMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names a weekday; without letters, Date.parse would read '-1' as a year.
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowEpochMs);
}

/** Whole seconds for a Retry-After header the gateway sends itself; at least 1, so clients never hammer. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
