import type { TableIssue } from './errors';
import { SAFE_METHODS } from '../http/methods';
import type { UpstreamConfig } from './schema';
import type { CompiledUpstream } from './table';
import type { BulkheadConfig, FallbackConfig, RetryConfig, RouteResilienceConfig } from './resilience-schema';

/**
 * The resilience settings one route target runs with: its upstream's, with the route's overrides
 * applied. Compiled once when the table loads; the stateful parts (breakers, budgets, bulkheads)
 * live in the ResilienceRegistry, which outlives tables.
 */
export interface TargetPolicy {
  readonly connectTimeoutMs: number;
  /** Per try: time for the upstream to start answering once the request is sent. */
  readonly timeoutMs: number;
  /** Every try and backoff included, until the answer begins. */
  readonly deadlineMs: number;
  readonly retry: RetryConfig;
  /** Methods that may be sent more than once. */
  readonly idempotent: ReadonlySet<string>;
  /** The route's own bulkhead, on top of the upstream's; null when the route declares none. */
  readonly routeBulkhead: BulkheadConfig | null;
}

/** What answers when the primary cannot: another upstream (with its own policy) or a fixed JSON body. */
export type CompiledFallback =
  | { readonly kind: 'upstream'; readonly upstream: CompiledUpstream; readonly policy: TargetPolicy }
  | { readonly kind: 'static'; readonly status: number; readonly body: Buffer };


export function compileTargetPolicy(upstream: UpstreamConfig, route: RouteResilienceConfig | undefined): TargetPolicy {
  return Object.freeze({
    connectTimeoutMs: route?.connectTimeoutMs ?? upstream.connectTimeoutMs,
    timeoutMs: route?.timeoutMs ?? upstream.timeoutMs,
    deadlineMs: route?.deadlineMs ?? upstream.deadlineMs,
    retry: Object.freeze({ ...upstream.retry, ...definedOnly(route?.retry ?? {}) }),
    // Safe methods are always idempotent (RFC 9110 §9.2.2); PUT and DELETE only when the route says so.
    idempotent: new Set<string>([...SAFE_METHODS, ...(route?.idempotent ?? [])]),
    routeBulkhead: route?.bulkhead ? Object.freeze({ ...route.bulkhead }) : null,
  });
}

/** Checks a route's fallback against the table (the upstream must exist, the body must be JSON) and compiles it. */
export function compileFallback(
  config: FallbackConfig | undefined,
  upstreams: ReadonlyMap<string, CompiledUpstream>,
  at: string,
  issues: TableIssue[],
): CompiledFallback | null {
  if (!config) return null;
  if ('upstream' in config) {
    const upstream = upstreams.get(config.upstream);
    if (!upstream) {
      issues.push({ path: `${at}.upstream`, message: `unknown upstream "${config.upstream}"` });
      return null;
    }
    return Object.freeze({ kind: 'upstream', upstream, policy: compileTargetPolicy(upstream.config, undefined) });
  }
  const text = config.json === undefined ? undefined : JSON.stringify(config.json);
  if (text === undefined) {
    issues.push({ path: `${at}.json`, message: 'a static fallback needs a JSON body in `json`' });
    return null;
  }
  return Object.freeze({ kind: 'static', status: config.status, body: Buffer.from(text) });
}

/** Drops keys a partial override left undefined, so they do not erase the upstream's values. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
