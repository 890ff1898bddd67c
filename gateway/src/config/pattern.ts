/**
 * Route path patterns: literal segments, `:name` for exactly one segment, and a final `*` for the
 * rest of the path (zero or more segments). Compiled once when the table loads.
 */

export type PatternSegment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'rest' };

export interface CompiledPattern {
  readonly source: string;
  readonly segments: readonly PatternSegment[];
  readonly hasRest: boolean;
  /**
   * Higher is more specific, compared element by element: literal 4 > param 3 > end of an exact
   * pattern 2 > rest 1, so `/a` beats `/a/*` for the path `/a`, and `/a/b` beats `/a/:x`.
   */
  readonly rank: readonly number[];
}

export type Params = Record<string, string>;

export class PatternError extends Error {
  readonly code = 'E_ROUTE_PATTERN';
}

export function compilePattern(source: string): CompiledPattern {
  const raw = source.split('/').slice(1).filter((s) => s !== '');
  const segments: PatternSegment[] = [];
  const names = new Set<string>();
  raw.forEach((part, i) => {
    if (part === '*') {
      if (i !== raw.length - 1) throw new PatternError(`"*" may only be the last segment of "${source}"`);
      segments.push({ kind: 'rest' });
    } else if (part.startsWith(':')) {
      const name = part.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new PatternError(`bad parameter name "${part}" in "${source}"`);
      if (names.has(name)) throw new PatternError(`parameter "${name}" appears twice in "${source}"`);
      names.add(name);
      segments.push({ kind: 'param', name });
    } else if (part === '.' || part === '..' || /[%\\?#*:]/.test(part)) {
      throw new PatternError(`segment "${part}" of "${source}" must be a plain literal, :param or a final *`);
    } else {
      segments.push({ kind: 'literal', value: part });
    }
  });
  const hasRest = segments.at(-1)?.kind === 'rest';
  const rank: number[] = segments.map((s) => (s.kind === 'literal' ? 4 : s.kind === 'param' ? 3 : 1));
  if (!hasRest) rank.push(2);
  return { source, segments, hasRest, rank };
}

/** Matches normalised path segments; returns the parameters (the rest as `*`) or null. */
export function matchPattern(pattern: CompiledPattern, path: readonly string[]): Params | null {
  const segs = pattern.segments;
  const fixed = pattern.hasRest ? segs.length - 1 : segs.length;
  if (pattern.hasRest ? path.length < fixed : path.length !== fixed) return null;
  let params: Params | null = null;
  for (let i = 0; i < fixed; i++) {
    const seg = segs[i] as PatternSegment;
    const value = path[i] as string;
    if (seg.kind === 'literal') {
      if (seg.value !== value) return null;
    } else if (seg.kind === 'param') {
      (params ??= {})[seg.name] = value;
    }
  }
  if (pattern.hasRest) (params ??= {})['*'] = path.slice(fixed).join('/');
  return params ?? EMPTY;
}

const EMPTY: Params = Object.freeze({}) as Params;

/** Compares specificity: positive when a is more specific than b. */
export function compareSpecificity(a: CompiledPattern, b: CompiledPattern): number {
  const n = Math.max(a.rank.length, b.rank.length);
  for (let i = 0; i < n; i++) {
    const d = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when every path that b matches, a matches too (used to find unreachable routes). */
export function covers(a: CompiledPattern, b: CompiledPattern): boolean {
  const fixedA = a.hasRest ? a.segments.length - 1 : a.segments.length;
  const fixedB = b.hasRest ? b.segments.length - 1 : b.segments.length;
  if (b.hasRest && !a.hasRest) return false;
  if (a.hasRest ? fixedB < fixedA : fixedA !== fixedB) return false;
  for (let i = 0; i < fixedA; i++) {
    const sa = a.segments[i] as PatternSegment;
    const sb = b.segments[i] as PatternSegment;
    if (sa.kind === 'literal' && (sb.kind !== 'literal' || sb.value !== sa.value)) return false;
    if (sa.kind === 'param' && sb.kind === 'rest') return false;
  }
  return true;
}
