/** Buckets per route: percentages have two decimals, so 10,000 buckets split them exactly. */
export const BUCKETS = 10_000;

/**
 * The key's bucket in 0..9999 for a route: FNV-1a over route id and key, then murmur3's
 * finaliser so that near-identical keys (user-1, user-2) spread evenly. Stable across processes
 * and restarts, so every replica puts a user on the same side. The route id is part of the hash so
 * that each route's canary samples its own users.
 */
export function canaryBucket(routeId: string, key: string): number {
  let h = 0x811c9dc5;
  const s = `${routeId}\u0000${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % BUCKETS;
}

/** A key goes to new when its bucket is below the share: raising the share only adds buckets, so nobody moves back. */
export function inCanary(routeId: string, key: string, percent: number): boolean {
  return canaryBucket(routeId, key) < Math.round(percent * 100);
}
