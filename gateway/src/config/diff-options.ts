import { DiffOptionsError, compileGlobLists, isHeaderName, type CompiledGlobs, type OptionIssue } from './field-paths';

/** Per-route comparison settings as the route table gives them; globs as in `paths.ts`. */
export interface DiffOptionsInput {
  /** Paths left out of the comparison, with their subtrees. */
  readonly ignore?: readonly string[];
  /** Arrays whose order does not matter. */
  readonly unordered?: readonly string[];
  /** Headers compared, by name; none when absent. */
  readonly headers?: readonly string[];
  /** Objects whose keys are ids, folded to `{*}` (all-digit and UUID keys always are). */
  readonly maps?: readonly string[];
  /** Distinct differences after which a comparison stops and reports `truncated`; default 200. */
  readonly maxDifferences?: number;
}

export interface DiffOptions extends CompiledGlobs {
  /** Lower-case names. */
  readonly headers: readonly string[];
  readonly maxDifferences: number;
}

export const DEFAULT_MAX_DIFFERENCES = 200;

/** Validates and compiles the options once, when the route table loads; throws DiffOptionsError. */
export function compileDiffOptions(input: DiffOptionsInput): DiffOptions {
  const issues: OptionIssue[] = [];
  const globs = compileGlobLists(input, issues);
  const headers = (input.headers ?? []).map((name, i) => {
    const lower = name.toLowerCase();
    if (!isHeaderName(lower)) issues.push({ path: `headers[${i}]`, message: `"${name}" is not a header name` });
    return lower;
  });
  const maxDifferences = input.maxDifferences ?? DEFAULT_MAX_DIFFERENCES;
  if (!Number.isInteger(maxDifferences) || maxDifferences < 1) {
    issues.push({ path: 'maxDifferences', message: 'must be a positive integer' });
  }
  if (issues.length > 0) throw new DiffOptionsError(issues);
  return Object.freeze({ ...globs, headers: [...new Set(headers)], maxDifferences });
}
