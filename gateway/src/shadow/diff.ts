import type { DiffKind, Difference } from './types';
import type { DiffOptions } from '../config/diff-options';
import { shownPath, STATUS_PATH, type PathRules } from '../config/field-paths';

/**
 * Structural comparison of two answers, legacy's and new's, already brought to one model. Runs on
 * the gateway's event loop for every shadowed request, so it stays linear in the bodies (an
 * array's order is judged by hashing a canonical string per element, never by pairing every
 * element with every other) and stops after `maxDifferences` distinct differences.
 *
 * Null: a member that is null on one side and absent on the other is `missing` / `extra` (the key
 * is what a client tests for); null against every other value is `type`, null being its own JSON
 * type. An empty body is null too, so empty against JSON is a `type` difference at `body`.
 */

export interface DiffAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Parsed JSON, or the raw text when not JSON, or null when empty; undefined when unknown (a
   * truncated read): then the bodies are not compared, as they would differ by construction.
   */
  readonly body: unknown;
}

export interface DiffResult {
  readonly differences: Difference[];
  /** True when the comparison stopped at `maxDifferences`: there may be more. */
  readonly truncated: boolean;
}

/** Compares new's answer with legacy's: status, the configured headers, then the body. */
export function diffAnswers(legacy: DiffAnswer, fresh: DiffAnswer, options: DiffOptions): DiffResult {
  const out = new Collector(options.maxDifferences);
  if (!options.ignoreStatus && legacy.status !== fresh.status) out.add(STATUS_PATH, 'changed');
  for (const name of options.headers) {
    if (options.ignoredHeaders === 'all' || options.ignoredHeaders.has(name)) continue;
    const a = header(legacy.headers, name);
    const b = header(fresh.headers, name);
    if (a === b) continue;
    out.add(`header:${name}`, a === undefined ? 'extra' : b === undefined ? 'missing' : 'changed');
  }
  // `body` and `**` select the root, so ignoring either drops the whole body.
  const comparable = legacy.body !== undefined && fresh.body !== undefined && !options.rules.isIgnored('');
  if (comparable) new BodyDiff(options.rules, out).value(legacy.body, fresh.body, '');
  return { differences: out.list, truncated: out.truncated };
}

/** Node lower-cases incoming names, but answers may have been built by hand (tests, mappings). */
function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Dedupes by (folded path, kind), so fifty items differing in one field make one difference. */
class Collector {
  readonly list: Difference[] = [];
  truncated = false;
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  add(path: string, kind: DiffKind): void {
    const key = `${kind} ${path}`;
    if (this.seen.has(key)) return;
    this.truncated = this.list.length >= this.max;
    if (this.truncated) return;
    this.seen.add(key);
    this.list.push({ path, kind });
  }
}

type Json = Readonly<Record<string, unknown>>;

/** The JSON type: `typeof`, except that arrays are apart and null (or unknown) is its own. */
function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

const hasOwn = (o: Json, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** One body comparison; paths are internal (see `paths.ts`) until a difference is recorded. */
class BodyDiff {
  constructor(
    private readonly rules: PathRules,
    private readonly out: Collector,
  ) {}

  value(a: unknown, b: unknown, path: string): void {
    if (a === b || this.out.truncated) return;
    const type = typeOf(a);
    if (type !== typeOf(b)) return this.add(path, 'type');
    if (type === 'object') return this.object(a as Json, b as Json, path);
    if (type === 'array') return this.array(a as readonly unknown[], b as readonly unknown[], path);
    this.add(path, 'changed');
  }

  private add(path: string, kind: DiffKind): void {
    this.out.add(shownPath(path), kind);
  }

  private object(a: Json, b: Json, path: string): void {
    for (const key of Object.keys(a)) {
      if (this.out.truncated) return;
      const child = this.rules.child(path, key);
      if (this.rules.isIgnored(child)) continue;
      if (hasOwn(b, key)) this.value(a[key], b[key], child);
      else this.add(child, 'missing');
    }
    for (const key of Object.keys(b)) {
      if (hasOwn(a, key)) continue;
      const child = this.rules.child(path, key);
      if (!this.rules.isIgnored(child)) this.add(child, 'extra');
    }
  }

  private array(a: readonly unknown[], b: readonly unknown[], path: string): void {
    const item = this.rules.item(path);
    if (a.length !== b.length) this.add(path, 'array-length');
    if (this.rules.isIgnored(item)) return;
    if (this.rules.isUnordered(path)) {
      if (a.length === b.length && a.every((v, i) => this.equal(v, b[i], item))) return;
      // Elements equal on both sides are set aside; the rest are compared pairwise, in their order.
      const [restA, restB] = unmatched(this.canonicals(a, item, 0), this.canonicals(b, item, 0));
      return this.pairs(restA.map((i) => a[i]), restB.map((j) => b[j]), item, 0);
    }
    if (a.length !== b.length) return this.pairs(a, b, item, 0);
    let first = 0;
    while (first < a.length && this.equal(a[first], b[first], item)) first++;
    if (first === a.length) return;
    // A reordering puts legacy's first misplaced element elsewhere in new's answer. Looking for it
    // with early exits spares building canonical forms of every element when items only changed.
    const moved = b.some((v, j) => j > first && this.equal(a[first], v, item));
    const rest = (arr: readonly unknown[]) => this.canonicals(arr, item, first);
    if (moved && unmatched(rest(a), rest(b))[0].length === 0) return this.add(path, 'array-order');
    this.pairs(a, b, item, first);
  }

  /** Equality as this comparison sees it: ignored members left out, unordered arrays as multisets. */
  private equal(a: unknown, b: unknown, path: string): boolean {
    if (a === b) return true;
    const type = typeOf(a);
    if (type !== typeOf(b) || (type !== 'array' && type !== 'object')) return false;
    const track = this.rules.shapeValues;
    if (type === 'array') {
      const x = a as readonly unknown[], y = b as readonly unknown[];
      const item = track ? this.rules.item(path) : '';
      if (x.length !== y.length) return false;
      if (track && this.rules.isIgnored(item)) return true;
      if (x.every((v, i) => this.equal(v, y[i], item))) return true;
      // Same order failed: an unordered array may still hold the same elements.
      return track && this.rules.isUnordered(path) && this.canonical(x, path) === this.canonical(y, path);
    }
    const x = a as Json, y = b as Json;
    for (const k of Object.keys(x)) {
      const child = track ? this.rules.child(path, k) : '';
      if (track && this.rules.isIgnored(child)) continue;
      if (!hasOwn(y, k) || !this.equal(x[k], y[k], child)) return false;
    }
    for (const k of Object.keys(y)) if (!hasOwn(x, k) && !(track && this.rules.isIgnored(this.rules.child(path, k)))) return false;
    return true;
  }

  private pairs(a: readonly unknown[], b: readonly unknown[], item: string, from: number): void {
    const n = Math.min(a.length, b.length);
    for (let i = from; i < n && !this.out.truncated; i++) this.value(a[i], b[i], item);
  }

  private canonicals(arr: readonly unknown[], item: string, from: number): string[] {
    return arr.slice(from).map((v) => this.canonical(v, item));
  }

  /** A string equal for equal values: members sorted, ignored members left out, unordered arrays sorted. */
  private canonical(v: unknown, path: string): string {
    // Without ignore or unordered globs the value alone decides, so paths are not built.
    const track = this.rules.shapeValues;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? `?:${String(v)}`;
    if (Array.isArray(v)) {
      const item = track ? this.rules.item(path) : '';
      if (track && this.rules.isIgnored(item)) return `[#${v.length}]`;
      const parts = v.map((e: unknown) => this.canonical(e, item));
      if (track && this.rules.isUnordered(path)) parts.sort();
      return `[${parts.join(',')}]`;
    }
    const o = v as Json;
    const parts: string[] = [];
    for (const key of Object.keys(o).sort()) {
      const child = track ? this.rules.child(path, key) : '';
      if (!track || !this.rules.isIgnored(child)) parts.push(`${JSON.stringify(key)}:${this.canonical(o[key], child)}`);
    }
    return `{${parts.join(',')}}`;
  }
}

/** Indexes, on each side, of the elements left over once equal ones are paired off (as multisets). */
function unmatched(ka: readonly string[], kb: readonly string[]): [number[], number[]] {
  const pool = new Map<string, number[]>();
  ka.forEach((k, i) => pool.get(k)?.push(i) ?? pool.set(k, [i]));
  const matched = new Uint8Array(ka.length);
  const restB: number[] = [];
  kb.forEach((k, j) => {
    const i = pool.get(k)?.pop();
    if (i === undefined) restB.push(j);
    else matched[i] = 1;
  });
  return [ka.flatMap((_, i) => (matched[i] === 0 ? [i] : [])), restB];
}
