import { z } from 'zod';
import { AclOutputError, type FieldIssue } from './errors';
import type { JsonValue } from './plain-json';
import { enumerableOnPrototype } from './validation/plain-check';
import type { OutputValidator } from './validation/validator';

/** A page's item the target schema refused and a `drop` policy left out. */
export interface DroppedItem {
  /** Its index in the answer's `items`, before any was dropped. */
  readonly index: number;
  /** The legacy row's key (`rows.key` of the spec, e.g. PRD_ID), or the item's own `id` when the rows do not line up. */
  readonly key: JsonValue;
  readonly code: 'AclOutputError';
  /** The message the same row read on its own is refused with (what backfill's reject report says). */
  readonly reason: string;
  /** Field paths within the item, e.g. `status`. */
  readonly paths: readonly string[];
  readonly issues: readonly FieldIssue[];
}

export type ItemPolicy = 'fail' | 'drop';

/** A page contract split in two: the envelope (its items only required to be an array) and one item. */
export interface PageCheck {
  readonly envelope: OutputValidator;
  readonly item: OutputValidator;
}

/** Every validator made from one target schema. */
export interface ContractCheck {
  readonly whole: OutputValidator;
  /** Set when the schema is a page: an object whose `items` is an array without checks of its own. */
  readonly page: PageCheck | undefined;
}

export type ValidatorFactory = (contract: z.ZodType) => OutputValidator;

export function compileContractCheck(contract: z.ZodType, make: ValidatorFactory): ContractCheck {
  const whole = make(contract);
  if (!(contract instanceof z.ZodObject)) return { whole, page: undefined };
  const items: unknown = contract.shape['items'];
  if (!(items instanceof z.ZodArray) || (items._zod.def.checks ?? []).length > 0) return { whole, page: undefined };
  return { whole, page: { envelope: make(contract.extend({ items: z.array(z.unknown()) })), item: make(items.element as z.ZodType) } };
}

/** Lets the event loop go round between chunks of a long page; resolves at once when the slice is not over. */
export type Yielder = () => Promise<void> | undefined;

/** How many items are checked between two looks at the clock. */
const CHUNK = 256;

export interface CheckedAnswer {
  readonly value: JsonValue;
  readonly dropped: readonly DroppedItem[];
}

export interface PageRows {
  /** The legacy rows the page's items came from, when the input has them (`input[rows.list]`). */
  readonly rows: readonly unknown[] | undefined;
  readonly key: string | undefined;
}

function keyOf(index: number, item: unknown, items: number, source: PageRows): JsonValue {
  if (source.rows !== undefined && source.key !== undefined && source.rows.length === items) {
    const row = source.rows[index];
    if (typeof row === 'object' && row !== null && Object.prototype.hasOwnProperty.call(row, source.key)) return ((row as Record<string, unknown>)[source.key] ?? null) as JsonValue;
  }
  const id = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>)['id'] : undefined;
  return (id ?? null) as JsonValue;
}

/**
 * Checks an answer against its contract. A page is checked item by item (and yields between
 * chunks, so that a page of 50,000 items never holds the event loop for long); an item the
 * contract refuses fails the page (`fail`, every refused path named as zod names it) or is left
 * out (`drop`), with its key and the reason it would be refused on its own. The page's other
 * fields stay as the mapping made them: `total` still counts the legacy rows.
 */
export function checkAnswer(mapping: string, answer: JsonValue | undefined, check: ContractCheck, policy: ItemPolicy, source: PageRows, yielder: Yielder): CheckedAnswer | Promise<CheckedAnswer> {
  const refuse = (issues: FieldIssue[]): never => {
    throw new AclOutputError(mapping, issues);
  };
  const page = check.page;
  const items = page !== undefined && typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? answer['items'] : undefined;
  if (page === undefined || !Array.isArray(items)) {
    if (!check.whole.accepts(answer)) refuse(check.whole.issues(answer));
    return { value: answer as JsonValue, dropped: [] };
  }
  if (!page.envelope.accepts(answer)) refuse(check.whole.issues(answer));
  const refused: number[] = [];
  const settle = (): CheckedAnswer => {
    if (refused.length === 0) return { value: answer as JsonValue, dropped: [] };
    if (policy === 'fail') refuse(check.whole.issues(answer));
    const dropped = refused.map((index): DroppedItem => {
      const issues = page.item.issues(items[index]);
      const reason = new AclOutputError(mapping, issues).message;
      return { index, key: keyOf(index, items[index], items.length, source), code: 'AclOutputError', reason, paths: issues.map((i) => i.path), issues };
    });
    const out = new Set(refused);
    return { value: { ...(answer as { [key: string]: JsonValue }), items: items.filter((_, i) => !out.has(i)) }, dropped };
  };
  // The first chunk without a turn of the event loop (a page of fewer items answers synchronously), then a look at the clock per chunk.
  const first = Math.min(items.length, CHUNK - 1);
  for (let i = 0; i < first; i++) if (!page.item.accepts(items[i])) refused.push(i);
  if (first === items.length) return settle();
  return (async () => {
    for (let i = first; i < items.length; i++) {
      if ((i & (CHUNK - 1)) === CHUNK - 1) await yielder();
      if (!page.item.accepts(items[i])) refused.push(i);
    }
    return settle();
  })();
}

/**
 * True when `answer`, as the evaluator made it, is plain JSON and its contract accepts it whole,
 * found by the compiled validators in one walk (plain-check.ts): `checkAnswer` would then accept it
 * as it is, nothing dropped. False says nothing: make the answer plain and `checkAnswer` it. A page
 * of CHUNK items or more is always false, so that a long page is checked in slices as before.
 */
export function acceptsAsPlain(answer: unknown, check: ContractCheck): boolean {
  const whole = check.whole.acceptsPlain;
  if (whole === undefined || enumerableOnPrototype()) return false;
  if (check.page !== undefined && typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    const items = (answer as Record<string, unknown>)['items'];
    if (Array.isArray(items) && items.length >= CHUNK) return false;
  }
  // One call of the whole contract's validator, envelope and items (a call per item cost a sixth more).
  return whole(answer);
}
