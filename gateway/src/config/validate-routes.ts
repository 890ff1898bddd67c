import { comparePrecedence, methodSet } from './matcher';
import { compilePattern, covers, PatternError } from './pattern';
import { compileRewrite } from './rewrite';
import type { TableIssue } from './errors';
import { checkPercent, MODE_NEEDS } from './modes';
import { compileStickyKey } from './sticky-key';
import { compileDiffOptions, DiffOptionsError } from './diff-options';
import { ShadowSchema, type RouteConfig, type TargetConfig } from './schema';
import type { CompiledRoute, CompiledTarget, CompiledUpstream } from './table';
import type { MappingResolver, TranslationMapping } from './mapping';
import { compileFallback, compileTargetPolicy } from './policy';
import { compileOptionalParts } from './optional-parts';


/**
 * Checks routes against each other and against the upstreams, collecting every issue, and
 * compiles the ones that are sound. The caller refuses the table if any issue was found.
 */
export function checkRoutes(
  configs: readonly (RouteConfig | null)[],
  upstreams: ReadonlyMap<string, CompiledUpstream>,
  declared: ReadonlySet<string>,
  issues: TableIssue[],
  mappings: MappingResolver | undefined,
  raw: readonly unknown[] = configs,
): CompiledRoute[] {
  const table: TableContext = { upstreams, declared, issues, mappings };
  const compiled: CompiledRoute[] = [];
  const seen = new Map<string, number>();
  configs.forEach((config, i) => {
    // A route whose own shape was refused (null) still holds its id: a duplicate of it is still a duplicate.
    const id = config?.id ?? rawField(raw[i], 'id');
    if (typeof id === 'string') checkUniqueId(id, i, seen, issues);
    if (config === null) return;
    const at = `routes[${i}]`;
    const before = issues.length;
    checkModeSettings(config, at, issues);
    const route = compileRoute(config, at, table);
    if (route && issues.length === before) compiled.push(route);
  });
  checkReachability(compiled, configs, raw, issues);
  return compiled;
}

function rawField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** What a route is checked against, and where its issues go. */
interface TableContext {
  readonly upstreams: ReadonlyMap<string, CompiledUpstream>;
  /** Every upstream the table names, compiled or not: one refused for its own reasons is not also "unknown". */
  readonly declared: ReadonlySet<string>;
  readonly issues: TableIssue[];
  readonly mappings: MappingResolver | undefined;
}

function checkUniqueId(id: string, i: number, seen: Map<string, number>, issues: TableIssue[]): void {
  const first = seen.get(id);
  if (first !== undefined) issues.push({ path: `routes[${i}].id`, message: `duplicate route id "${id}" (first at routes[${first}])` });
  else seen.set(id, i);
}

/** What the route's mode and canary settings need of each other. */
function checkModeSettings(config: RouteConfig, at: string, issues: TableIssue[]): void {
  if (config.mode === 'canary' && config.canary?.percent === undefined) {
    issues.push({ path: `${at}.canary.percent`, message: 'mode "canary" needs canary.percent' });
  }
  if (config.canary && config.canary.stickyBy !== 'client' && !config.canary.key) {
    issues.push({ path: `${at}.canary.key`, message: `stickyBy "${config.canary.stickyBy}" needs the ${config.canary.stickyBy} name in key` });
  }
  if (config.canary?.percent !== undefined && checkPercent(config.canary.percent)) {
    issues.push({ path: `${at}.canary.percent`, message: checkPercent(config.canary.percent) as string });
  }
  for (const side of MODE_NEEDS[config.mode]) {
    if (!config[side]) issues.push({ path: `${at}.${side}`, message: `mode "${config.mode}" needs a ${side} target` });
  }
}

/** The route compiled, its issues pushed as they are found; null when its path does not compile (nothing else can be judged without it). */
function compileRoute(config: RouteConfig, at: string, table: TableContext): CompiledRoute | null {
  const { upstreams, issues } = table;
  let pattern;
  try {
    pattern = compilePattern(config.path);
  } catch (e) {
    issues.push({ path: `${at}.path`, message: e instanceof PatternError ? e.message : String(e) });
    return null;
  }
  const route: Mutable<CompiledRoute> = {
    id: config.id,
    mode: config.mode,
    percent: config.mode === 'canary' ? (config.canary?.percent ?? 0) : 0,
    stickyKey: compileStickyKey(config.canary),
    config,
    pattern,
    methods: methodSet(config.methods),
    legacy: compileTarget('legacy', config.legacy, config, at, table),
    new: compileTarget('new', config.new, config, at, table),
    fallback: compileFallback(config.resilience?.fallback, upstreams, `${at}.resilience.fallback`, issues),
    optionalParts: compileOptionalParts(config.resilience?.optionalParts, config.path, upstreams, `${at}.resilience.optionalParts`, issues),
    shadow: null,
  };
  if (route.legacy && route.new) route.shadow = compileShadow(config, at, issues);
  return route;
}

/** One side of a route: its upstream, path rewrite, translation and policy; null when it has none or it is unsound. */
function compileTarget(side: 'legacy' | 'new', t: TargetConfig | undefined, config: RouteConfig, at: string, table: TableContext): CompiledTarget | null {
  if (!t) return null;
  const { issues } = table;
  const upstream = table.upstreams.get(t.upstream);
  if (!upstream) {
    if (!table.declared.has(t.upstream)) issues.push({ path: `${at}.${side}.upstream`, message: `unknown upstream "${t.upstream}"` });
    return null;
  }
  const translate = t.translate
    ? { request: resolveMapping(t, 'request', `${at}.${side}`, table), response: resolveMapping(t, 'response', `${at}.${side}`, table), error: resolveMapping(t, 'error', `${at}.${side}`, table) }
    : null;
  try {
    return { side, upstream, buildPath: compileRewrite(t.rewrite, config.path), translate, policy: compileTargetPolicy(upstream.config, config.resilience) };
  } catch (e) {
    issues.push({ path: `${at}.${side}.rewrite`, message: e instanceof Error ? e.message : String(e) });
    return null;
  }
}

/** The mapping a target names for one direction, from the anti-corruption layer; null when it names none or it cannot be resolved. */
function resolveMapping(t: TargetConfig, kind: 'request' | 'response' | 'error', at: string, table: TableContext): TranslationMapping | null {
  const { mappings, issues } = table;
  const wanted = t.translate?.[kind];
  if (!wanted) return null;
  if (!mappings) {
    issues.push({ path: `${at}.translate.${kind}`, message: 'no anti-corruption layer is loaded to resolve mappings' });
    return null;
  }
  try {
    return mappings(wanted);
  } catch (e) {
    issues.push({ path: `${at}.translate.${kind}`, message: e instanceof Error ? e.message : String(e) });
    return null;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The route's shadow settings (defaults when it names none) with its comparison rules compiled once. */
function compileShadow(config: RouteConfig, at: string, issues: TableIssue[]): CompiledRoute['shadow'] {
  const shadow = config.shadow ?? ShadowSchema.parse({});
  try {
    return { config: shadow, diff: compileDiffOptions({ ignore: shadow.ignore, unordered: shadow.unordered, headers: shadow.compareHeaders }) };
  } catch (e) {
    if (!(e instanceof DiffOptionsError)) throw e;
    for (const i of e.issues) issues.push({ path: `${at}.shadow.${i.path}`, message: i.message });
    return null;
  }
}

/** A route that an earlier route always wins over can never answer: that is a table bug. */
function checkReachability(routes: readonly CompiledRoute[], configs: readonly (RouteConfig | null)[], raw: readonly unknown[], issues: TableIssue[]): void {
  const index = (r: CompiledRoute) => configs.findIndex((c) => c === r.config);
  routes.forEach((later, j) => {
    for (const earlier of routes.slice(0, j)) {
      const methodsCovered =
        earlier.methods === null || (later.methods !== null && [...later.methods].every((m) => earlier.methods!.has(m)));
      if (methodsCovered && covers(earlier.pattern, later.pattern) && comparePrecedence(earlier, later) >= 0) {
        issues.push({
          path: `routes[${index(later)}]`,
          message: `route "${later.id}" is unreachable: routes[${index(earlier)}] "${earlier.id}" (${earlier.config.path}) matches every request it would`,
        });
        return;
      }
    }
  });
  // Judged on the declared routes, so a catch-all refused for another reason is not also reported missing.
  // A route refused for its own shape counts by what it declares: a catch-all with a typo elsewhere is still the catch-all.
  if (!raw.some((c) => rawField(c, 'methods') === undefined && isCatchAll(rawField(c, 'path')))) {
    issues.push({ path: 'routes', message: 'an explicit catch-all route (path "/*", all methods) is required' });
  }
}

function isCatchAll(path: unknown): boolean {
  if (typeof path !== 'string') return false;
  try {
    const p = compilePattern(path);
    return p.hasRest && p.segments.length === 1;
  } catch {
    return false;
  }
}
