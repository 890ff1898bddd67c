import { compilePattern, type Params, type PatternSegment } from './pattern';

/** Builds the upstream path for a matched request; compiled once per route target. */
export type PathBuilder = (requestPath: string, params: Params) => string;

/**
 * A parameter's value is in normalised form (only unreserved characters decoded, every other
 * escape kept as sent). Anything a path segment may not hold is encoded, and `.`/`..` become
 * `%2E`/`%2E%2E`, so that a value can never turn into a separator or a dot segment upstream.
 */
function encodeParam(value: string): string {
  if (value === '.' || value === '..') return value.replace(/\./g, '%2E');
  return value.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@%]/g, (c) => encodeURIComponent(c));
}

function encodeRest(value: string): string {
  return value.split('/').map(encodeParam).join('/');
}

export function compileRewrite(template: string | undefined, routePattern: string): PathBuilder {
  if (template === undefined) return (requestPath) => requestPath;
  const segments = compilePattern(template).segments;
  const known = compilePattern(routePattern).segments;
  const names = new Set(known.flatMap((s) => (s.kind === 'param' ? [s.name] : s.kind === 'rest' ? ['*'] : [])));
  for (const s of segments) {
    const needed = s.kind === 'param' ? s.name : s.kind === 'rest' ? '*' : null;
    if (needed && !names.has(needed)) {
      throw new Error(`rewrite "${template}" uses ${needed === '*' ? '*' : ':' + needed}, which the path "${routePattern}" does not capture`);
    }
  }
  return (_requestPath, params) => '/' + segments.map((s: PatternSegment) => piece(s, params)).filter((p) => p !== '').join('/');
}

function piece(s: PatternSegment, params: Params): string {
  if (s.kind === 'literal') return s.value;
  if (s.kind === 'param') return encodeParam(params[s.name] ?? '');
  return encodeRest(params['*'] ?? '');
}
