import type { BlockList } from 'node:net';
import { compileMatcher, methodSet, type Matcher } from './matcher';
import type { StickyKey } from './sticky-key';
import type { CompiledPattern } from './pattern';
import type { PathBuilder } from './rewrite';
import type { TranslationMapping } from './mapping';
import type { DiffOptions } from './diff-options';
import type { Limits, RouteConfig, RouteMode, ShadowConfig, UpstreamConfig } from './schema';
import type { UpstreamOrigin } from './upstream-url';
import type { CompiledFallback, TargetPolicy } from './policy';
import type { CompiledPart } from './optional-parts';
import type { SheddingConfig } from './resilience-schema';
import type { DiscoverConfig } from './instances-schema';

/** Runtime model of the route table: built once at load, frozen, swapped whole, never mutated. */

/** One origin serving an upstream. */
export interface CompiledInstance {
  readonly origin: UpstreamOrigin;
  readonly weight: number;
  /** host:port, its name in metrics and reports. */
  readonly key: string;
}

export interface CompiledUpstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  /** The instances the table (or an override) names; empty when they are discovered. */
  readonly instances: readonly CompiledInstance[];
  /** Where the instances are found instead, in DNS. */
  readonly discover: DiscoverConfig | null;
}

export interface CompiledTarget {
  readonly side: 'legacy' | 'new';
  readonly upstream: CompiledUpstream;
  readonly buildPath: PathBuilder;
  /** ACL mappings for this side, compiled at load; null when the side speaks the new contract already. */
  readonly translate: { readonly request: TranslationMapping | null; readonly response: TranslationMapping | null; readonly error: TranslationMapping | null } | null;
  /** Timeouts, retries and bulkhead for this side of this route: the upstream's, with the route's overrides. */
  readonly policy: TargetPolicy;
}

export interface CompiledRoute {
  readonly id: string;
  readonly mode: RouteMode;
  /** Share answered by new in mode canary; 0 in every other mode. */
  readonly percent: number;
  readonly stickyKey: StickyKey;
  readonly config: RouteConfig;
  readonly pattern: CompiledPattern;
  readonly methods: ReadonlySet<string> | null;
  readonly legacy: CompiledTarget | null;
  readonly new: CompiledTarget | null;
  /** What answers safe requests when the side that should cannot (circuit open, down, 5xx). */
  readonly fallback: CompiledFallback | null;
  /** Parts fetched beside a GET and merged into its JSON answer, left out when their upstream is down or late. */
  readonly optionalParts: readonly CompiledPart[];
  /** How this route is shadowed and compared (defaults when routes.json says nothing); null without both sides. */
  readonly shadow: { readonly config: ShadowConfig; readonly diff: DiffOptions } | null;
}

export interface RouteTable {
  readonly source: string;
  readonly upstreams: ReadonlyMap<string, CompiledUpstream>;
  readonly routes: readonly CompiledRoute[];
  readonly matcher: Matcher<CompiledRoute>;
  readonly trustedProxies: BlockList;
  /** Callers whose x-strangler-target header pins a request to a side. */
  readonly forceTargetFrom: BlockList;
  /** Whose incoming trace context is continued, and whether answers carry the gateway's traceparent. */
  readonly tracing: { readonly acceptFrom: BlockList; readonly respondTraceparent: boolean; readonly propagate: boolean };
  readonly limits: Limits;
  /** When the gateway itself refuses new work (load shedding). */
  readonly shedding: SheddingConfig;
  readonly shadowing: { readonly maxPending: number; readonly concurrency: number };
  /** The state store version applied over the file (0: the file as written). */
  readonly version: number;
}

export function buildTable(parts: Omit<RouteTable, 'matcher'>): RouteTable {
  for (const route of parts.routes) Object.freeze(route);
  return Object.freeze({ ...parts, routes: Object.freeze([...parts.routes]), matcher: compileMatcher(parts.routes) });
}

export { methodSet };
