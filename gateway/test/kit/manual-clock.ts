/** A monotonic clock the test moves by hand: timing is asserted on it, never on the wall clock. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

export function manualClock(start = 1_000): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
