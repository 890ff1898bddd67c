/** Formats an instant the way the monolith stores change timestamps: `YYYYMMDDHHMMSS` in UTC. */
export function legacyTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Formats an instant as a legacy business date: `YYYYMMDD` in UTC. */
export function legacyDate(at: Date): string {
  return legacyTimestamp(at).slice(0, 8);
}
