import { readFileSync } from 'node:fs';
import { RouteTableError, jsonPath, type TableIssue } from './errors';
import { parseJsonText } from './parse-json';
import type { z } from 'zod';
import { RouteSchema, RouteTableSchema, UpstreamSchema, type RouteTableConfig, type UpstreamConfig } from './schema';
import { unknownKeyMessage } from './unknown-keys';
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
    throw new RouteTableError(file, [{ path: file, message: unreadableFile(e) }]);
  }
  const parsed = parseJsonText(text, file);
  if (!parsed.ok) throw new RouteTableError(file, [parsed.issue]);
  return compileRouteTable(parsed.value, file, options);
}

/** Why a table file could not be read, in words rather than an errno code. */
function unreadableFile(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot read: ${code ?? String(e)}`;
}

/** Validates a parsed table (schema, then cross-references) and compiles it. */
export function compileRouteTable(value: unknown, source: string, options: LoadOptions = {}): RouteTable {
  const result = RouteTableSchema.safeParse(value);
  // zod drops a "__proto__" key silently (an upstream or route so named would vanish): named here instead.
  const protoKeys = protoKeyIssues(value, []);
  if (!result.success || protoKeys.length > 0) {
    const shape = result.success ? [] : result.error.issues.flatMap(describeIssue);
    throw new RouteTableError(source, [...protoKeys, ...shape, ...crossCheckSoundParts(value, options)]);
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
  const tracing = Object.freeze({ acceptFrom: tracers?.list ?? trusted.list, respondTraceparent: config.tracing.respondTraceparent, propagate: config.tracing.propagate });

  const routes = checkRoutes(config.routes, upstreams, new Set(Object.keys(config.upstreams)), issues, options.mappings);
  if (issues.length > 0) throw new RouteTableError(source, issues);
  return buildTable({ source, upstreams, routes, trustedProxies: trusted.list, forceTargetFrom: forcers.list, tracing, limits: Object.freeze(config.limits), shedding: Object.freeze(config.shedding), shadowing: Object.freeze(config.shadowing), version: 0 });
}

/** A zod issue as table issues; each unknown key is its own, at its own path, with the nearest allowed key. */
function describeIssue(i: z.core.$ZodIssue): TableIssue[] {
  if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: jsonPath([...i.path, k]), message: unknownKeyMessage(RouteTableSchema, i.path, k) }));
  return [{ path: jsonPath(i.path), message: i.message }];
}

/**
 * When the table's shape is refused, the cross-checks still run on every upstream and route whose
 * own shape is sound, so that one run reports every error (an unknown key and an unreachable
 * route together), not the second kind only once the first is fixed. A route or upstream that
 * failed its own shape is left out of the cross-checks: nothing more can be said of it.
 */
function crossCheckSoundParts(value: unknown, options: LoadOptions): TableIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const raw = value as { upstreams?: unknown; routes?: unknown };
  if (!Array.isArray(raw.routes)) return [];
  const rawUpstreams = typeof raw.upstreams === 'object' && raw.upstreams !== null && !Array.isArray(raw.upstreams) ? (raw.upstreams as Record<string, unknown>) : {};
  const soundUpstreams: Record<string, UpstreamConfig> = {};
  for (const [name, u] of Object.entries(rawUpstreams)) {
    const parsed = UpstreamSchema.safeParse(u);
    if (parsed.success && name !== '__proto__') soundUpstreams[name] = parsed.data;
  }
  const issues: TableIssue[] = [];
  // Overrides naming an upstream that is declared but malformed are not checked here: the shape error says enough.
  const overrides = Object.fromEntries(Object.entries(options.upstreamUrls ?? {}).filter(([name]) => Object.hasOwn(soundUpstreams, name)));
  const upstreams = compileUpstreams(soundUpstreams, overrides, issues);
  const routes = raw.routes.map((r: unknown) => {
    const parsed = RouteSchema.safeParse(r);
    return parsed.success ? parsed.data : null;
  });
  checkRoutes(routes, upstreams, new Set(Object.keys(rawUpstreams)), issues, options.mappings, raw.routes);
  return issues;
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
