import * as applyModule from './apply';
import type { Code } from './apply';
import type { Frame, Run } from './run';
import * as values from './values';
import type { Sequence } from './values';

// Local copies: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { onSpine } = applyModule;
const { append, Bailout, createSequence, isSequence } = values;

/**
 * Paths, object constructors and array constructors: jsonata's evaluatePath / evaluateStep,
 * evaluateGroupExpression and the `[` constructor, ported. On the spine, a step over many items runs
 * each item synchronously and parks between items when the slice is over; a step over one item
 * stays on the spine, so a page envelope descends to the loop over its rows.
 */

/** Every 8th item reads the clock: an item costs about a microsecond, the clock some tens of ns. */
const PARK_CHECK_MASK = 7;

/** jsonata's flattening of one step's results (exported for generated code's inline path loop). */
export function flattenStep(result: Sequence, lastStep: boolean): unknown[] {
  const first = result[0];
  if (lastStep && result.length === 1 && Array.isArray(first) && !isSequence(first)) return first;
  const out = createSequence();
  for (const res of result) {
    if (!Array.isArray(res) || (res as Sequence).cons === true) out.push(res);
    else for (let i = 0; i < res.length; i++) out.push(res[i]);
  }
  return out;
}

function stepSync(step: Code, items: readonly unknown[], frame: Frame, run: Run, lastStep: boolean): unknown[] {
  const result = createSequence();
  for (let i = 0; i < items.length; i++) {
    run.tick();
    const res = step.sync(items[i], frame, run);
    if (res !== undefined) result.push(res);
  }
  return flattenStep(result, lastStep);
}

async function stepOnSpine(step: Code, items: readonly unknown[], frame: Frame, run: Run, lastStep: boolean): Promise<unknown[]> {
  if (items.length === 1) {
    const result = createSequence();
    const res = await onSpine(step, items[0], frame, run);
    if (res !== undefined) result.push(res);
    return flattenStep(result, lastStep);
  }
  const result = createSequence();
  for (let i = 0; i < items.length; i++) {
    if ((i & PARK_CHECK_MASK) === PARK_CHECK_MASK && run.due()) await run.park();
    run.tick();
    const res = step.sync(items[i], frame, run);
    if (res !== undefined) result.push(res);
  }
  return flattenStep(result, lastStep);
}

type StepRunner = (step: Code, items: unknown[], frame: Frame, run: Run, lastStep: boolean) => unknown[] | Promise<unknown[]>;

/**
 * `a.b.c`; `consFirst`: the first step is an array constructor, evaluated once on the whole input.
 * While every step answers one value that is not an array (`$row.PRD_ID`), the path runs in a
 * single-item lane that builds no sequences; it switches to jsonata's general algorithm (a sequence
 * per step, flattened) at the first array, which is where the two would start to differ.
 */
export function path(steps: readonly Code[], firstIsVariable: boolean, consFirst: boolean): Code {
  const last = steps.length - 1;
  const general = async (items: unknown[], from: number, frame: Frame, run: Run, runStep: StepRunner, onItems: boolean): Promise<unknown> => {
    let result: unknown = items;
    for (let i = from; i <= last; i++) {
      const step = steps[i] as Code;
      const consStep = i === 0 && consFirst;
      result = consStep ? (onItems ? await onSpine(step, items, frame, run) : step.sync(items, frame, run)) : await runStep(step, items, frame, run, i === last);
      if (result === undefined || (result as unknown[]).length === 0) break;
      items = result as unknown[];
    }
    return result;
  };
  const generalSync = (items: unknown[], from: number, frame: Frame, run: Run): unknown => {
    let result: unknown = items;
    for (let i = from; i <= last; i++) {
      const step = steps[i] as Code;
      result = i === 0 && consFirst ? step.sync(items, frame, run) : stepSync(step, items, frame, run, i === last);
      if (result === undefined || (result as unknown[]).length === 0) break;
      items = result as unknown[];
    }
    return result;
  };
  const generalLane = (input: unknown): boolean => consFirst || (Array.isArray(input) && !firstIsVariable);
  const start = (input: unknown): unknown[] => (Array.isArray(input) && !firstIsVariable ? input : createSequence(input));
  return {
    sync(input, frame, run) {
      if (generalLane(input)) return generalSync(start(input), 0, frame, run);
      let item = input;
      for (let i = 0; i <= last; i++) {
        run.tick();
        const res = (steps[i] as Code).sync(item, frame, run);
        if (res === undefined) return undefined;
        if (Array.isArray(res)) {
          const flat = flattenStep(createSequence(res), i === last);
          return i === last || flat.length === 0 ? flat : generalSync(flat, i + 1, frame, run);
        }
        item = res;
      }
      return item;
    },
    async spine(input, frame, run) {
      if (generalLane(input)) return general(start(input), 0, frame, run, stepOnSpine, true);
      let item = input;
      for (let i = 0; i <= last; i++) {
        run.tick();
        const res = await onSpine(steps[i] as Code, item, frame, run);
        if (res === undefined) return undefined;
        if (Array.isArray(res)) {
          const flat = flattenStep(createSequence(res), i === last);
          return i === last || flat.length === 0 ? flat : general(flat, i + 1, frame, run, stepOnSpine, true);
        }
        item = res;
      }
      return item;
    },
  };
}

/** `[a, b, ...]`; `nested[i]`: item i is itself an array constructor (pushed whole, not appended). */
export function arrayConstructor(items: readonly Code[], nested: readonly boolean[], cons: boolean): Code {
  const finish = (result: unknown[]): unknown[] => (cons ? Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true }) : result);
  const add = (result: unknown[], i: number, value: unknown): unknown[] => {
    if (value === undefined) return result;
    if (nested[i] === true) {
      result.push(value);
      return result;
    }
    return append(result, value) as unknown[];
  };
  return {
    sync(input, frame, run) {
      let result: unknown[] = [];
      for (let i = 0; i < items.length; i++) result = add(result, i, (items[i] as Code).sync(input, frame, run));
      return finish(result);
    },
    async spine(input, frame, run) {
      let result: unknown[] = [];
      for (let i = 0; i < items.length; i++) result = add(result, i, await onSpine(items[i] as Code, input, frame, run));
      return finish(result);
    },
  };
}

/** One `"key": value` pair of an object constructor. */
export interface Pair {
  readonly key: Code;
  readonly value: Code;
}

interface Group {
  data: unknown;
  readonly index: number;
}

/** jsonata's grouping: every item's keys, then each key's value evaluated on the items that gave it. */
function groups(pairs: readonly Pair[], input: unknown, frame: Frame, run: Run): Record<string, Group> {
  const items = Array.isArray(input) ? input : createSequence(input);
  // jsonata pushes `undefined` into an empty input array, the document's own included: left to jsonata.
  if (items.length === 0) throw new Bailout('an object constructor on an empty sequence');
  const found = Object.create(null) as Record<string, Group>;
  for (const item of items) {
    run.tick();
    for (let p = 0; p < pairs.length; p++) {
      const key = (pairs[p] as Pair).key.sync(item, frame, run);
      if (key === undefined) continue;
      if (typeof key !== 'string') throw new Bailout('an object key that is not a string (T1003)');
      if (key === '_jsonata_lambda' || key === '_jsonata_function') throw new Bailout('a reserved object key (D1013)');
      const seen = found[key];
      if (seen === undefined) found[key] = { data: item, index: p };
      else if (seen.index !== p) throw new Bailout('one key from two pairs (D1009)');
      else seen.data = append(seen.data, item);
    }
  }
  return found;
}

/**
 * `{"k": v, ...}`. `literalKeys`: every key is a distinct string literal (and not `__proto__`), so
 * one item needs no grouping, and the answer can be an ordinary object (jsonata's has no prototype,
 * which nothing downstream can tell apart: every reader goes by own keys), which V8 handles far faster.
 */
export function objectConstructor(pairs: readonly Pair[], literalKeys: readonly string[] | undefined): Code {
  return {
    sync(input, frame, run) {
      if (literalKeys !== undefined && !Array.isArray(input)) {
        const result: Record<string, unknown> = {};
        for (let p = 0; p < pairs.length; p++) {
          const value = (pairs[p] as Pair).value.sync(input, frame, run);
          if (value !== undefined) result[literalKeys[p] as string] = value;
        }
        return result;
      }
      const result = Object.create(null) as Record<string, unknown>;
      const found = groups(pairs, input, frame, run);
      for (const key of Object.keys(found)) {
        const { data, index } = found[key] as Group;
        const value = (pairs[index] as Pair).value.sync(data, frame, run);
        if (value !== undefined) result[key] = value;
      }
      return result;
    },
    async spine(input, frame, run) {
      const found = literalKeys !== undefined && !Array.isArray(input) ? undefined : groups(pairs, input, frame, run);
      const keys = found === undefined ? (literalKeys as readonly string[]) : Object.keys(found);
      const result: Record<string, unknown> = found === undefined ? {} : (Object.create(null) as Record<string, unknown>);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k] as string;
        const group = found === undefined ? { data: input, index: k } : (found[key] as Group);
        const value = await onSpine((pairs[group.index] as Pair).value, group.data, frame, run);
        if (value !== undefined) result[key] = value;
      }
      return result;
    },
  };
}
