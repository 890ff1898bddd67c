/**
 * Folded field paths, and the globs that select them.
 *
 * A body path is a chain of steps from the body's root: `.name` for a member whose name is an
 * identifier (letters, digits, `_`, `$`, `-`, not starting with a digit), `["a name"]` (a JSON
 * string) for every other member, `[*]` for every element of an array and `{*}` for every key of a
 * map. Members whose key is all digits or a UUID, and all members of an object listed as a map,
 * are map keys. The leading dot is dropped when shown: `items[*].price.amount`,
 * `stock{*}.quantity`, `[*].id`. The root itself is `body`. `http:status` and `header:<name>` are
 * the other paths of a comparison, so a body member `status` reads `status`; only a top-level body
 * member named `body` is written `["body"]` to keep it apart from the root. (`["status"]`, the
 * spelling before, is still accepted in globs and means the body member.)
 *
 * A glob is a path whose steps may also be `*` (one member or map key, whichever, not an array
 * element) or `**` (zero or more steps: `**.updatedAt` at every depth; `meta.**` selects what
 * `meta` does). Indexes (`[0]`) and literal map keys are refused: paths are folded, so they could
 * never match. `http:status`, `body` (the whole body), `header:<name>` and `header:*` are globs too.
 * `ignore` drops what a glob selects with its subtree; `unordered` and `maps` take exact matches.
 */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const IDENT_RE = '[A-Za-z_$][A-Za-z0-9_$-]*(?![A-Za-z0-9_$-])';
const QUOTED_RE = '\\["(?:[^"\\\\]|\\\\.)*"\\]';
const MEMBER_RE = `(?:\\.${IDENT_RE}|${QUOTED_RE}|\\{\\*\\})`;
const STEP_RE = `(?:\\.${IDENT_RE}|${QUOTED_RE}|\\[\\*\\]|\\{\\*\\})`;
const MAP_KEY = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const RESERVED_TOP = new Set(['body']);
/** The path (and glob) of the HTTP status in a comparison: apart from every body path. */
export const STATUS_PATH = 'http:status';
/** Distinct paths are few once folded; the bound only guards against keys that fold badly. */
const CACHE_LIMIT = 4096;

export const INDEX_STEP = '[*]';
export const MAP_STEP = '{*}';

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** The step for member `key` of the object at `parent` (internal form, '' is the root). */
export function memberStep(parent: string, key: string): string {
  if (IDENT.test(key) && !(parent === '' && RESERVED_TOP.has(key))) return `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

/** Internal paths start with a separator so globs need no special first step; shown without it. */
export function shownPath(internal: string): string {
  if (internal === '') return 'body';
  return internal.startsWith('.') ? internal.slice(1) : internal;
}

/** What a glob selects: one of the comparison's own paths, or body paths matched by a pattern. */
export type Glob =
  | { readonly kind: 'status' }
  | { readonly kind: 'header'; readonly name: string | null }
  | { readonly kind: 'body'; readonly source: string };

/** Parses a glob; throws an Error whose message says what is wrong with it. */
export function parseGlob(glob: string): Glob {
  if (glob === STATUS_PATH) return { kind: 'status' };
  if (glob.startsWith('header:')) {
    const name = glob.slice('header:'.length);
    if (name === '*') return { kind: 'header', name: null };
    if (!isHeaderName(name)) throw new Error('a header glob is header:<lower-case name> or header:*');
    return { kind: 'header', name };
  }
  return { kind: 'body', source: bodyGlobSource(glob) };
}

/** Regular-expression source matching the internal form of the paths a body glob selects. */
function bodyGlobSource(glob: string): string {
  if (glob === 'body') return '';
  if (glob === '') throw new Error('empty glob');
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const first = i === 0;
    if (glob.startsWith('[*]', i) || glob.startsWith('{*}', i)) {
      out += glob[i] === '[' ? '\\[\\*\\]' : '\\{\\*\\}';
      i += 3;
    } else if (glob.startsWith('["', i)) {
      const end = quotedEnd(glob, i + 1);
      const key = JSON.parse(glob.slice(i + 1, end + 1)) as string;
      if (MAP_KEY.test(key)) throw new Error(`"${key}": map keys are folded, write {*}`);
      out += escapeRegExp(memberStep(first ? '' : '.', key));
      i = end + 2;
    } else if (glob[i] === '[' || glob[i] === '{') {
      throw new Error(`step at ${i}: indexes and map keys are folded, write [*] or {*}`);
    } else {
      if (!first && glob[i] !== '.') throw new Error(`expected "." at ${i}`);
      const start = first ? i : i + 1;
      let end = start;
      while (end < glob.length && !'.[{'.includes(glob[end] as string)) end++;
      out += memberSource(glob.slice(start, end), first);
      i = end;
    }
  }
  return out;
}

function memberSource(name: string, first: boolean): string {
  if (name === '**') return `${STEP_RE}*`;
  if (name === '*') return MEMBER_RE;
  if (name === '') throw new Error('empty step');
  if (/^\d+$/.test(name)) throw new Error(`"${name}": map keys and indexes are folded, write {*} or [*]`);
  if (!IDENT.test(name)) throw new Error(`"${name}" is not a field name; quote it as [${JSON.stringify(name)}]`);
  if (first && RESERVED_TOP.has(name)) {
    throw new Error(`top-level field "${name}" is written ["${name}"]; body paths have no prefix`);
  }
  return `\\.${escapeRegExp(name)}`;
}

/** Index of the closing quote of the JSON string starting at `open`. */
function quotedEnd(glob: string, open: number): number {
  for (let i = open + 1; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '"') {
      if (glob[i + 1] !== ']') throw new Error(`expected "]" at ${i + 1}`);
      return i;
    }
  }
  throw new Error(`unterminated quoted name at ${open}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

const IGNORED = 1;
const UNORDERED = 2;
const MAP = 4;

/**
 * The body globs of one route, as three regular expressions, with a memo per path: the same
 * folded paths recur in every item and every request.
 */
export class PathRules {
  private readonly ignore: RegExp | null;
  private readonly unordered: RegExp | null;
  private readonly maps: RegExp | null;
  private readonly memo = new Map<string, number>();
  private readonly children = new Map<string, Map<string, string>>();
  private readonly items = new Map<string, string>();
  /** Whether canonical forms of values must follow paths (ignored members, unordered arrays). */
  readonly shapeValues: boolean;

  constructor(ignore: readonly string[], unordered: readonly string[], maps: readonly string[]) {
    // Ignoring a path ignores its subtree: the glob may stop at a step boundary.
    this.ignore = ignore.length === 0 ? null : new RegExp(`^(?:${ignore.join('|')})(?=[.[{]|$)`);
    this.unordered = unordered.length === 0 ? null : new RegExp(`^(?:${unordered.join('|')})$`);
    this.maps = maps.length === 0 ? null : new RegExp(`^(?:${maps.join('|')})$`);
    this.shapeValues = this.ignore !== null || this.unordered !== null;
  }

  isIgnored(path: string): boolean {
    return (this.flags(path) & IGNORED) !== 0;
  }

  isUnordered(path: string): boolean {
    return (this.flags(path) & UNORDERED) !== 0;
  }

  /** The internal path of member `key` of the object at `parent`, map keys folded. */
  child(parent: string, key: string): string {
    // Interned: no regex or concatenation per item, and the memo's lookups hit hashed strings.
    let members = this.children.get(parent);
    if (members === undefined) {
      if (this.children.size >= CACHE_LIMIT) this.children.clear();
      members = new Map<string, string>();
      this.children.set(parent, members);
    }
    const known = members.get(key);
    if (known !== undefined) return known;
    const folded = MAP_KEY.test(key) || (this.maps !== null && (this.flags(parent) & MAP) !== 0);
    const path = parent + (folded ? MAP_STEP : memberStep(parent, key));
    if (members.size < CACHE_LIMIT) members.set(key, path);
    return path;
  }

  /** The internal path of the elements of the array at `parent`. */
  item(parent: string): string {
    const known = this.items.get(parent);
    if (known !== undefined) return known;
    if (this.items.size >= CACHE_LIMIT) this.items.clear();
    const path = parent + INDEX_STEP;
    this.items.set(parent, path);
    return path;
  }

  private flags(path: string): number {
    const known = this.memo.get(path);
    if (known !== undefined) return known;
    const flags =
      (this.ignore?.test(path) === true ? IGNORED : 0) |
      (this.unordered?.test(path) === true ? UNORDERED : 0) |
      (this.maps?.test(path) === true ? MAP : 0);
    if (this.memo.size >= CACHE_LIMIT) this.memo.clear();
    this.memo.set(path, flags);
    return flags;
  }
}
