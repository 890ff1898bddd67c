import type { TableIssue } from './errors';
import type { CompiledUpstream } from './table';
import { compileRewrite, type PathBuilder } from './rewrite';
import type { OptionalPartConfig } from './resilience-schema';

/** A part merged into a route's answer when its upstream answers in time; compiled once at load. */
export interface CompiledPart {
  readonly field: string;
  readonly upstream: CompiledUpstream;
  readonly buildPath: PathBuilder;
  readonly timeoutMs: number;
}

/**
 * Checks a route's optional parts against the table (known upstream, one part per field, a path
 * template using only the route's parameters) and compiles them, so a bad part refuses the table.
 */
export function compileOptionalParts(
  configs: readonly OptionalPartConfig[] | undefined,
  routePath: string,
  upstreams: ReadonlyMap<string, CompiledUpstream>,
  at: string,
  issues: TableIssue[],
): readonly CompiledPart[] {
  const parts: CompiledPart[] = [];
  const fields = new Set<string>();
  (configs ?? []).forEach((config, i) => {
    const here = `${at}[${i}]`;
    const before = issues.length;
    if (fields.has(config.field)) issues.push({ path: `${here}.field`, message: `field "${config.field}" is already filled by another part` });
    fields.add(config.field);
    const upstream = upstreams.get(config.upstream);
    if (!upstream) issues.push({ path: `${here}.upstream`, message: `unknown upstream "${config.upstream}"` });
    let buildPath: PathBuilder | undefined;
    try {
      buildPath = compileRewrite(config.path, routePath);
    } catch (e) {
      issues.push({ path: `${here}.path`, message: e instanceof Error ? e.message : String(e) });
    }
    if (upstream && buildPath && issues.length === before) parts.push(Object.freeze({ field: config.field, upstream, buildPath, timeoutMs: config.timeoutMs }));
  });
  return Object.freeze(parts);
}
