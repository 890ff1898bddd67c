/**
 * Folded field paths (the globs that select them: field-globs.ts).
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
 */

/** A member name written without quotes. */
export const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
/** Member keys that are ids, folded to {*} whatever the route says. */
export const MAP_KEY = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Top-level members always quoted, to keep them apart from the root (`body`). */
export const RESERVED_TOP: ReadonlySet<string> = new Set(['body']);
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
