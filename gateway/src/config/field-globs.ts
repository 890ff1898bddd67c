import { IDENT, MAP_KEY, memberStep, RESERVED_TOP, STATUS_PATH, isHeaderName } from './field-paths';

/**
 * Globs over folded field paths (field-paths.ts).
 *
 * A glob is a path whose steps may also be `*` (one member or map key, whichever, not an array
 * element) or `**` (zero or more steps: `**.updatedAt` at every depth; `meta.**` selects what
 * `meta` does). Indexes (`[0]`) and literal map keys are refused: paths are folded, so they could
 * never match. `http:status`, `body` (the whole body), `header:<name>` and `header:*` are globs too.
 * `ignore` drops what a glob selects with its subtree; `unordered` and `maps` take exact matches.
 */

const IDENT_RE = '[A-Za-z_$][A-Za-z0-9_$-]*(?![A-Za-z0-9_$-])';
const QUOTED_RE = '\\["(?:[^"\\\\]|\\\\.)*"\\]';
const MEMBER_RE = `(?:\\.${IDENT_RE}|${QUOTED_RE}|\\{\\*\\})`;
const STEP_RE = `(?:\\.${IDENT_RE}|${QUOTED_RE}|\\[\\*\\]|\\{\\*\\})`;

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
