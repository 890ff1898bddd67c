import type { HttpMethod } from '../http/methods';
import { compareSpecificity, compilePattern, matchPattern, type CompiledPattern, type Params } from './pattern';

/** What the matcher needs of a route; the compiled table's routes satisfy it. */
export interface MatchableRoute {
  readonly id: string;
  readonly pattern: CompiledPattern;
  readonly methods: ReadonlySet<string> | null;
}

export interface RouteMatch<R extends MatchableRoute> {
  readonly route: R;
  readonly params: Params;
}

export interface Matcher<R extends MatchableRoute> {
  match(method: string, segments: readonly string[]): RouteMatch<R> | null;
}

/**
 * Positive when a takes precedence over b: the more specific path first, then the route that
 * names fewer methods (a GET-only route beats an any-method route on the same path).
 */
export function comparePrecedence(a: MatchableRoute, b: MatchableRoute): number {
  return compareSpecificity(a.pattern, b.pattern) || methodRank(a) - methodRank(b);
}

function methodRank(r: MatchableRoute): number {
  return r.methods === null ? 0 : 100 - r.methods.size;
}

/**
 * Orders routes once by precedence (ties keep table order), so that matching is a scan that
 * stops at the first hit. Route tables have tens of routes, not thousands.
 */
export function compileMatcher<R extends MatchableRoute>(routes: readonly R[]): Matcher<R> {
  const ordered = routes
    .map((route, index) => ({ route, index }))
    .sort((a, b) => comparePrecedence(b.route, a.route) || a.index - b.index)
    .map((e) => e.route);
  return {
    match(method, segments) {
      for (const route of ordered) {
        if (route.methods && !route.methods.has(method)) continue;
        const params = matchPattern(route.pattern, segments);
        if (params) return { route, params };
      }
      return null;
    },
  };
}

export function methodSet(methods: readonly HttpMethod[] | undefined): ReadonlySet<string> | null {
  if (!methods) return null;
  const set = new Set<string>(methods);
  // HEAD is GET without a body: a route that serves GET serves HEAD.
  if (set.has('GET')) set.add('HEAD');
  return set;
}

export { compilePattern };
