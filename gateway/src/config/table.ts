import type { BlockList } from 'node:net';
import { compileMatcher, methodSet, type Matcher } from '../routing/matcher';
import type { StickyKey } from '../routing/canary';
import type { CompiledPattern } from '../routing/pattern';
import type { PathBuilder } from '../routing/rewrite';
import type { TranslationMapping } from '../translate/mapping';
import type { Limits, RouteConfig, RouteMode, UpstreamConfig } from './schema';
import type { UpstreamOrigin } from './upstream-url';

/** Runtime model of the route table: built once at load, frozen, swapped whole, never mutated. */

export interface CompiledUpstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  readonly origin: UpstreamOrigin;
}

export interface CompiledTarget {
  readonly side: 'legacy' | 'new';
  readonly upstream: CompiledUpstream;
  readonly buildPath: PathBuilder;
  /** ACL mappings for this side, compiled at load; null when the side speaks the new contract already. */
  readonly translate: { readonly request: TranslationMapping | null; readonly response: TranslationMapping | null } | null;
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
}

export interface RouteTable {
  readonly source: string;
  readonly upstreams: ReadonlyMap<string, CompiledUpstream>;
  readonly routes: readonly CompiledRoute[];
  readonly matcher: Matcher<CompiledRoute>;
  readonly trustedProxies: BlockList;
  /** Callers whose x-strangler-target header pins a request to a side. */
  readonly forceTargetFrom: BlockList;
  readonly limits: Limits;
  /** The state store version applied over the file (0: the file as written). */
  readonly version: number;
}

export function buildTable(parts: Omit<RouteTable, 'matcher'>): RouteTable {
  for (const route of parts.routes) Object.freeze(route);
  return Object.freeze({ ...parts, routes: Object.freeze([...parts.routes]), matcher: compileMatcher(parts.routes) });
}

export { methodSet };
