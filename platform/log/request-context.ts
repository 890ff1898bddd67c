import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work belongs to, carried through its callbacks and promises, so that
 * every log line written on a request's behalf (a dependency failure, an upstream call, a
 * warning deep in a repository) carries its request id without each caller passing it.
 */
const current = new AsyncLocalStorage<{ readonly requestId: string }>();

/** Runs `work` (and everything it schedules) as part of the request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return current.run({ requestId }, work);
}

/** The id of the request being served here, or undefined outside any request (start-up, timers). */
export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}
