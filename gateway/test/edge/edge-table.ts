import { compileRouteTable } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';

/** Options for the two-upstream table the edge tests share. */
export interface EdgeTableOptions {
  /** Extra routes, placed before the defaults. */
  readonly routes?: unknown[];
  /** Per-upstream settings (timeoutMs, connectTimeoutMs …) merged over the URL. */
  readonly legacy?: Record<string, unknown>;
  readonly fresh?: Record<string, unknown>;
  readonly limits?: Record<string, unknown>;
  readonly trustedProxies?: string[];
  readonly tracing?: Record<string, unknown>;
}

/**
 * `legacy` answers the catch-all; `fresh` answers `/api/products/*` in mode `new`, so a test can
 * tell from which upstream saw a request whether a path variant fell through to the wrong route.
 */
export function edgeTable(legacyUrl: string, freshUrl: string, options: EdgeTableOptions = {}): RouteTable {
  return compileRouteTable(
    {
      upstreams: {
        legacy: { url: legacyUrl, ...options.legacy },
        fresh: { url: freshUrl, ...options.fresh },
      },
      ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.tracing ? { tracing: options.tracing } : {}),
      routes: [
        ...(options.routes ?? []),
        { id: 'products', path: '/api/products/*', mode: 'new', new: { upstream: 'fresh' } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
      ],
    },
    'edge-test',
  );
}
