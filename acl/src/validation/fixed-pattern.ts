/**
 * JSON Schema `pattern`s of a fixed shape, matched on character codes rather than by a RegExp.
 *
 * The contracts' patterns are anchored runs of characters and classes repeated a fixed number of
 * times, with an optional group here and there: `^[A-Z]{3}$` (a currency), `^\d{4}-\d{2}-\d{2}T
 * \d{2}:\d{2}:\d{2}(\.\d{3})?Z$` (an instant). Such a pattern matches only strings of a few
 * lengths, each position from a set of characters known in advance, so a check of the length and
 * of each character code says what the RegExp says (matched as ajv matches without the `u` flag:
 * on UTF-16 code units), without a call into the regular expression engine for every value (a
 * third of a product page's validation). Any other pattern is left to the RegExp: `fixedShapes`
 * answers undefined for it.
 *
 * The matcher is JavaScript source made here, of numbers and fixed text only: nothing of the
 * pattern's own text enters it.
 */
import { rewriteSchema } from './json-schema';

export const FIXED_PATTERN_KEYWORD = 'x-fixed-pattern';

/** Inclusive ranges of UTF-16 code units one position admits. */
export type Ranges = readonly (readonly [number, number])[];

/** More optional groups than this would make too many shapes to try: left to the RegExp. */
const MAX_OPTIONAL_GROUPS = 3;
/** A `{n}` beyond this is left to the RegExp (the matcher checks every position one by one). */
const MAX_REPEAT = 64;

const DIGIT: Ranges = [[48, 57]];
/** Characters a backslash makes literal. */
const ESCAPED_LITERALS = '.-/:\\()[]{}*+?^$|';
/** Characters with a meaning of their own outside a class, that this subset does not take as atoms. */
const SPECIAL = '.*+?()[]{}|^$\\';

interface Step {
  readonly ranges: Ranges;
  readonly next: number;
}

const single = (code: number): Ranges => [[code, code]];

/** One atom at `at`: a literal, an escaped literal, `\d` or a class of characters and ranges. */
function atomAt(body: string, at: number): Step | undefined {
  const c = body[at];
  if (c === undefined) return undefined;
  if (c === '\\') {
    const e = body[at + 1];
    if (e === 'd') return { ranges: DIGIT, next: at + 2 };
    return e !== undefined && ESCAPED_LITERALS.includes(e) ? { ranges: single(e.charCodeAt(0)), next: at + 2 } : undefined;
  }
  if (c === '[') return classAt(body, at);
  return SPECIAL.includes(c) ? undefined : { ranges: single(c.charCodeAt(0)), next: at + 1 };
}

/** `[A-Z0-9_]`: characters and ranges, no negation, no escapes. */
function classAt(body: string, at: number): Step | undefined {
  let j = at + 1;
  if (body[j] === '^' || body[j] === ']') return undefined;
  const ranges: [number, number][] = [];
  const plain = (ch: string | undefined): ch is string => ch !== undefined && ch !== '\\' && ch !== '[' && ch !== ']';
  while (j < body.length && body[j] !== ']') {
    const ch = body[j];
    if (!plain(ch)) return undefined;
    const to = body[j + 2];
    if (body[j + 1] === '-' && to !== ']') {
      if (!plain(to) || to.charCodeAt(0) < ch.charCodeAt(0)) return undefined;
      ranges.push([ch.charCodeAt(0), to.charCodeAt(0)]);
      j += 3;
    } else {
      ranges.push([ch.charCodeAt(0), ch.charCodeAt(0)]);
      j += 1;
    }
  }
  return body[j] === ']' ? { ranges, next: j + 1 } : undefined;
}

/** How many times the atom before `at` repeats: once, or `{n}`; any other quantifier is outside the subset. */
function repeatAt(body: string, at: number): { count: number; next: number } | undefined {
  const c = body[at];
  if (c === '*' || c === '+' || c === '?') return undefined;
  if (c !== '{') return { count: 1, next: at };
  const close = body.indexOf('}', at);
  const digits = close < 0 ? '' : body.slice(at + 1, close);
  if (!/^[0-9]{1,3}$/.test(digits)) return undefined;
  const count = Number(digits);
  return count <= MAX_REPEAT && body[close + 1] !== '?' ? { count, next: close + 1 } : undefined;
}

/** Atoms with their repeats from `at` until `end` (exclusive) or a `(` / `)`; where it stopped. */
function runAt(body: string, at: number, into: Ranges[]): number | undefined {
  let i = at;
  while (i < body.length && body[i] !== '(' && body[i] !== ')') {
    const atom = atomAt(body, i);
    if (atom === undefined) return undefined;
    const repeat = repeatAt(body, atom.next);
    if (repeat === undefined) return undefined;
    for (let n = 0; n < repeat.count; n++) into.push(atom.ranges);
    i = repeat.next;
  }
  return i;
}

/**
 * The positions of every string the pattern matches, one list per way it can match (each choice of
 * its optional groups), or undefined when the pattern is outside the subset: anchored at both ends,
 * atoms repeated a fixed number of times, groups (`(...)`, `(?:...)`) without groups inside, either
 * plain or optional (`?`).
 */
export function fixedShapes(pattern: string): Ranges[][] | undefined {
  if (pattern.length < 2 || !pattern.startsWith('^') || !pattern.endsWith('$')) return undefined;
  const body = pattern.slice(1, -1);
  // `...\$` ends with an escaped dollar, not the anchor.
  if (/(^|[^\\])(\\\\)*\\$/.test(body)) return undefined;
  let shapes: Ranges[][] = [[]];
  let optionals = 0;
  let i = 0;
  while (i < body.length) {
    const run: Ranges[] = [];
    const end = runAt(body, i, run);
    if (end === undefined) return undefined;
    shapes = shapes.map((s) => [...s, ...run]);
    i = end;
    if (i >= body.length) break;
    if (body[i] === ')') return undefined;
    const open = body.startsWith('(?:', i) ? i + 3 : i + 1;
    if (body[open] === '?') return undefined; // lookarounds and named groups
    const inner: Ranges[] = [];
    const close = runAt(body, open, inner);
    if (close === undefined || body[close] !== ')') return undefined;
    i = close + 1;
    if (body[i] === '?') {
      i += 1;
      if (body[i] === '?' || (optionals += 1) > MAX_OPTIONAL_GROUPS) return undefined;
      shapes = shapes.flatMap((s) => [s, [...s, ...inner]]);
    } else {
      if (body[i] === '*' || body[i] === '+' || body[i] === '{') return undefined;
      shapes = shapes.map((s) => [...s, ...inner]);
    }
  }
  return shapes;
}

/** JavaScript that is true when code unit `at` of `s` is in `ranges` (numbers only). */
function positionTest(ranges: Ranges, at: number): string {
  if (ranges.length === 1) {
    const [lo, hi] = ranges[0] as readonly [number, number];
    return lo === hi ? `s.charCodeAt(${at}) === ${lo}` : `(c = s.charCodeAt(${at})) >= ${lo} && c <= ${hi}`;
  }
  const alternatives = ranges.map(([lo, hi], n) => (lo === hi ? `${n === 0 ? '(c = s.charCodeAt(' + at + '))' : 'c'} === ${lo}` : `(${n === 0 ? '(c = s.charCodeAt(' + at + '))' : 'c'} >= ${lo} && c <= ${hi})`));
  return `(${alternatives.join(' || ')})`;
}

/** A function that answers what `new RegExp(pattern).test(s)` answers for every string s, or undefined outside the subset. */
export function fixedPatternMatcher(pattern: string): ((s: string) => boolean) | undefined {
  const shapes = fixedShapes(pattern);
  if (shapes === undefined) return undefined;
  const lines = ['let c;'];
  for (const shape of shapes) {
    const tests = shape.map((ranges, at) => positionTest(ranges, at));
    lines.push(`if (s.length === ${shape.length}${tests.map((t) => ` && ${t}`).join('')}) return true;`);
  }
  lines.push('return false;');
  return new Function('s', lines.join('\n')) as (s: string) => boolean;
}

/** The schema with every `pattern` in the subset as FIXED_PATTERN_KEYWORD (a new object; the input is left alone). */
export function withFixedPatterns(node: unknown): unknown {
  return rewriteSchema(node, (out) => {
    const pattern = out['pattern'];
    if (typeof pattern !== 'string' || fixedShapes(pattern) === undefined || FIXED_PATTERN_KEYWORD in out) return out;
    delete out['pattern'];
    out[FIXED_PATTERN_KEYWORD] = pattern;
    return out;
  });
}
