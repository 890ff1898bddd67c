/** Milliseconds on a monotonic scale; injected so that timing logic is tested without waiting. */
export type Clock = () => number;

/** A number in [0, 1); injected so that jitter is tested deterministically. */
export type Random = () => number;

export const monotonicClock: Clock = () => performance.now();
export const mathRandom: Random = () => Math.random();
