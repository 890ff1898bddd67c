/** How long `eventually` waits unless told otherwise: a harness limit, never a claim about speed. */
export const EVENTUALLY_TIMEOUT_MS = 10_000;

/** Between two checks. */
const POLL_MS = 20;

// Taken when the kit loads, before any test installs jest's fake timers: the wait stays a real
// one, so a test on a fake clock can still wait for something real (a file watch, a socket).
const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Waits for something that is bound to happen: calls `check` until it returns a truthy value
 * (or a promise of one) and resolves with that value. After `timeoutMs` it fails, quoting the
 * check. A check that throws fails at once: a probe that may fail while it waits catches itself.
 *
 * The limit only stops a test that would otherwise hang; a test that needs to know how long
 * something took asserts it on an injected clock, never with this.
 */
export async function eventually<T>(check: () => T | Promise<T>, { timeoutMs = EVENTUALLY_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<Truthy<T>> {
  const deadline = realNow() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (realNow() > deadline) throw new Error(`eventually: still not true after ${timeoutMs} ms: ${describe(check)}`);
    await new Promise((resolve) => realSetTimeout(resolve, POLL_MS));
  }
}

/** The check's own source, which says what was awaited better than a label would. */
function describe(check: () => unknown): string {
  const source = check.toString().replace(/\s+/g, ' ');
  return source.length > 300 ? `${source.slice(0, 300)}…` : source;
}
