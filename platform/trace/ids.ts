import { randomFillSync } from 'node:crypto';

/** Ids handed out per refill: one crypto call fills the pool for this many span ids. */
const POOL_BYTES = 8 * 512;

let pool = Buffer.allocUnsafe(POOL_BYTES);
let at = POOL_BYTES;

/**
 * `bytes` random bytes as lower-case hex, out of a pool refilled from the CSPRNG when it runs
 * dry: a span id per upstream try must cost a slice, not a system call (W3C asks for ids that are
 * random, not secret; they are still unguessable here). Never all zeros, which the spec forbids.
 */
function randomHex(bytes: number): string {
  for (;;) {
    if (at + bytes > POOL_BYTES) {
      pool = randomFillSync(pool);
      at = 0;
    }
    const hex = pool.toString('hex', at, at + bytes);
    at += bytes;
    if (!allZero(hex)) return hex;
  }
}

function allZero(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

/** A new W3C trace id: 16 random bytes as 32 hex digits. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new W3C span (parent) id: 8 random bytes as 16 hex digits. */
export function newSpanId(): string {
  return randomHex(8);
}
