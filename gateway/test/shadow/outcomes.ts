import type { ComparedAnswer, Difference, DiffKind, ShadowOutcome } from '../../src/shadow/types';

/** Shadow outcomes as the mirror produces them, for the results store's tests. */

export function answer(body: unknown, ms = 10, headers: Record<string, string> = { 'content-type': 'application/json' }): ComparedAnswer {
  return { status: 200, headers, body, truncated: false, ms };
}

export const diff = (path: string, kind: DiffKind = 'changed'): Difference => ({ path, kind });

export function compared(routeId: string, differences: Difference[], options: { noise?: Difference[] | null; legacyMs?: number; freshMs?: number; headers?: Record<string, string>; path?: string } = {}): ShadowOutcome {
  return {
    kind: 'compared',
    routeId,
    request: { method: 'GET', path: options.path ?? '/api/v2/products/1', headers: options.headers ?? { accept: 'application/json' } },
    legacy: answer({ id: 1, price: 10 }, options.legacyMs ?? 10),
    fresh: answer({ id: 1, price: 11 }, options.freshMs ?? 20),
    differences,
    noise: options.noise ?? null,
  };
}

export const failure = (routeId: string, kind: 'new-error' | 'new-timeout' | 'legacy-error' | 'legacy-timeout', ms = 50): ShadowOutcome => ({ kind, routeId, ms, detail: kind.endsWith('-error') ? 'ECONNREFUSED' : 'no answer' });
export const skipped = (routeId: string, kind: 'dropped' | 'body-too-large' | 'compare-error'): ShadowOutcome => ({ kind, routeId });
