import { parseGlob, type Glob } from './field-globs';
import { isHeaderName, PathRules } from './field-paths';

/** Per-route comparison settings as the route table gives them; globs as in `field-globs.ts`. */
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

/** A refused option entry, located within the options (`ignore[2]`) so the route table can prefix it. */
export interface OptionIssue {
  readonly path: string;
  readonly message: string;
}

/** Refused options, with every bad entry named (the route table prefixes the route's path). */
export class DiffOptionsError extends Error {
  readonly code = 'E_SHADOW_DIFF_OPTIONS';
  constructor(readonly issues: readonly OptionIssue[]) {
    super(`shadow comparison options refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export interface CompiledGlobs {
  readonly ignoreStatus: boolean;
  readonly ignoredHeaders: ReadonlySet<string> | 'all';
  readonly rules: PathRules;
}

/** Compiles the glob lists of a route, adding an issue per bad glob instead of stopping at the first. */
export function compileGlobLists(
  lists: { readonly ignore?: readonly string[]; readonly unordered?: readonly string[]; readonly maps?: readonly string[] },
  issues: OptionIssue[],
): CompiledGlobs {
  let ignoreStatus = false;
  let ignoredHeaders: Set<string> | 'all' = new Set<string>();
  const bodyGlobs = (option: 'ignore' | 'unordered' | 'maps'): string[] => {
    const sources: string[] = [];
    (lists[option] ?? []).forEach((glob, i) => {
      let parsed: Glob;
      try {
        parsed = parseGlob(glob);
      } catch (e) {
        issues.push({ path: `${option}[${i}]`, message: `bad glob "${glob}": ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
      if (parsed.kind === 'body') sources.push(parsed.source);
      else if (option !== 'ignore') issues.push({ path: `${option}[${i}]`, message: `"${glob}" is not a body path` });
      else if (parsed.kind === 'status') ignoreStatus = true;
      else if (parsed.name === null) ignoredHeaders = 'all';
      else if (ignoredHeaders !== 'all') ignoredHeaders.add(parsed.name);
    });
    return sources;
  };
  const rules = new PathRules(bodyGlobs('ignore'), bodyGlobs('unordered'), bodyGlobs('maps'));
  return { ignoreStatus, ignoredHeaders, rules };
}

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
