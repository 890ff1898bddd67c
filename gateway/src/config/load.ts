import { readFileSync } from 'node:fs';
import { RouteTableError, jsonPath, type TableIssue } from './errors';
import { parseJsonText } from './parse-json';
import { RouteTableSchema, type RouteTableConfig } from './schema';
import { buildTable, type RouteTable } from './table';
import { checkRoutes } from './validate-routes';
import { compileTrustedProxies } from './trusted-proxies';
import { compileUpstreams } from './upstreams';
import type { MappingResolver } from './mapping';

export interface LoadOptions {
  /** Upstream URL overrides by name (from flags or environment), applied before validation. */
  readonly upstreamUrls?: Readonly<Record<string, string>>;
  /**
   * Addresses or CIDR blocks trusted as proxies in addition to the table's `trustedProxies` (from
   * flags or environment): the deployment's load balancer, whose address the table cannot know.
   */
  readonly trustedProxies?: readonly string[];
  /** Resolves ACL mapping names used by `translate`; without it a table that translates is refused. */
  readonly mappings?: MappingResolver;
}

/** Reads and compiles a route table file; throws RouteTableError listing every problem. */
export function loadRouteTableFile(file: string, options: LoadOptions = {}): RouteTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RouteTableError(file, [{ path: file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  const parsed = parseJsonText(text, file);
  if (!parsed.ok) throw new RouteTableError(file, [parsed.issue]);
  return compileRouteTable(parsed.value, file, options);
}

/** Validates a parsed table (schema, then cross-references) and compiles it. */
export function compileRouteTable(value: unknown, source: string, options: LoadOptions = {}): RouteTable {
  const result = RouteTableSchema.safeParse(value);
  // zod drops a "__proto__" key silently (an upstream or route so named would vanish): named here instead.
  const protoKeys = protoKeyIssues(value, []);
  if (!result.success || protoKeys.length > 0) {
    throw new RouteTableError(source, [...protoKeys, ...(result.success ? [] : result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })))]);
  }
  const config: RouteTableConfig = result.data;
  const issues: TableIssue[] = [];

  const upstreams = compileUpstreams(config.upstreams, options.upstreamUrls ?? {}, issues);
  const ownProxies = config.trustedProxies.length;
  const trusted = compileTrustedProxies([...config.trustedProxies, ...(options.trustedProxies ?? [])]);
  for (const e of trusted.errors) {
    issues.push({ path: e.index < ownProxies ? `trustedProxies[${e.index}]` : `override trusted proxy "${options.trustedProxies?.[e.index - ownProxies]}"`, message: e.message });
  }
  const forcers = compileTrustedProxies(config.forceTargetFrom);
  for (const e of forcers.errors) issues.push({ path: `forceTargetFrom[${e.index}]`, message: e.message });

  const tracers = config.tracing.acceptFrom === undefined ? null : compileTrustedProxies(config.tracing.acceptFrom);
  for (const e of tracers?.errors ?? []) issues.push({ path: `tracing.acceptFrom[${e.index}]`, message: e.message });
  const tracing = Object.freeze({ acceptFrom: tracers?.list ?? trusted.list, respondTraceparent: config.tracing.respondTraceparent });

  const routes = checkRoutes(config.routes, upstreams, new Set(Object.keys(config.upstreams)), issues, options.mappings);
  if (issues.length > 0) throw new RouteTableError(source, issues);
  return buildTable({ source, upstreams, routes, trustedProxies: trusted.list, forceTargetFrom: forcers.list, tracing, limits: Object.freeze(config.limits), shedding: Object.freeze(config.shedding), shadowing: Object.freeze(config.shadowing), version: 0 });
}

/** Every own "__proto__" key in parsed JSON (JSON.parse makes them plain own keys), by path. */
function protoKeyIssues(value: unknown, at: PropertyKey[]): TableIssue[] {
  if (typeof value !== 'object' || value === null) return [];
  const issues: TableIssue[] = [];
  for (const key of Object.keys(value)) {
    const here = [...at, Array.isArray(value) ? Number(key) : key];
    if (key === '__proto__') issues.push({ path: jsonPath(here), message: 'the key "__proto__" is not allowed' });
    else issues.push(...protoKeyIssues((value as Record<string, unknown>)[key], here));
  }
  return issues;
}
