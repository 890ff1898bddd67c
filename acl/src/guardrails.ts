import type jsonata from 'jsonata';
import { CpuBudget, CpuMeter } from './cpu-meter';

/** Limits applied to every evaluation of one compiled expression. */
export interface GuardrailLimits {
  /**
   * CPU-time budget of one evaluation, in milliseconds: the time it ran itself (cpu-meter.ts), not
   * the time it waited, parked between slices, while other evaluations ran.
   */
  readonly timeoutMs: number;
  /** Maximum nesting of jsonata evaluation steps (a runaway recursion trips it long before the JS stack). */
  readonly maxDepth: number;
  /**
   * Longest stretch, in milliseconds, an evaluation runs before it lets the event loop serve
   * others (timers, I/O, other requests) and then carries on. 0 or less: never yields.
   */
  readonly sliceMs: number;
}

/** Thrown from inside a hook; a class without `code`, so jsonata passes it through without rewording it. */
export class GuardrailTrip {
  constructor(
    readonly guardrail: 'timeout' | 'depth',
    readonly limit: number,
  ) {}
}

/**
 * The frame jsonata hands to its hooks. `base` is the one frame shared by a whole evaluation
 * (jsonata 2.x's `exec_env`): jsonata counts the evaluation's nesting in `base.depth` (entered
 * before the entry hook, left after the exit hook), calls `base.guardrails()` synchronously at
 * the start of every step, right before it looks the entry hook up from the current frame, and
 * `base.bind` shadows a binding for this evaluation only.
 */
interface HookFrame {
  readonly base: BaseFrame;
}

interface BaseFrame {
  readonly depth?: number;
  guardrails?: unknown;
  readonly bind?: unknown;
}

interface EvaluationState {
  readonly budget: CpuBudget;
  /** When the current slice ends: the next clock read past it parks the evaluation. */
  sliceEnd: number;
  /** While parked, the promise every branch of the evaluation waits on (jsonata runs some branches concurrently). */
  parked: Promise<void> | undefined;
  tripped: GuardrailTrip | undefined;
}


/** Milliseconds, sub-millisecond resolution (a 2 ms slice needs it), never set back like Date.now(). */
const monotonicMs = (): number => performance.now();

/** jsonata looks its evaluation hook up under this symbol; its typings only admit string names. */
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
type EntryHook = (expr: unknown, input: unknown, frame: HookFrame) => void | Promise<void>;
type Bind = (name: symbol, value: EntryHook | undefined) => void;

/**
 * Installs a timeout, a depth limit and time slicing on a compiled expression through jsonata's
 * evaluation hooks (the way jsonata's own test suite timeboxes expressions). The entry hook is
 * installed once, at compile time; the state lives per evaluation, so concurrent evaluations of one
 * expression never share a counter, a deadline or a slice.
 *
 * Time slicing: every await in jsonata's evaluator is on a promise that is already settled, so a
 * whole evaluation would run in one macrotask and nothing else in the process would run until it
 * ended. jsonata awaits the entry hook's answer, though: when an evaluation has run for `sliceMs`
 * since it started or last resumed, the hook answers a promise settled by `setImmediate`, the
 * evaluation parks, the event loop serves whatever waits (other requests, timers, I/O), and the
 * evaluation resumes where it stopped.
 *
 * Cost: an entry hook is awaited on every step, one extra microtask each (about 15% of a
 * translation). So, where jsonata offers it (2.x), the first hook call of an evaluation moves the
 * checks into that evaluation's synchronous `base.guardrails()` and shadows the hook for that
 * evaluation only (`base.bind(ENTRY, undefined)`): steps then run without the extra await, and the
 * parking hook is bound back only for the step that parks. `fast: false` (tests) or a jsonata
 * without those members keeps the plain hook on every step, with the same limits and slices.
 */
export function installGuardrails(
  expr: jsonata.Expression,
  limits: GuardrailLimits,
  { clock = monotonicMs, fast = true, meter = new CpuMeter() }: { clock?: () => number; fast?: boolean; meter?: CpuMeter } = {},
): void {
  const slicing = limits.sliceMs > 0;

  const newState = (): EvaluationState => {
    const now = clock();
    const budget = new CpuBudget(limits.timeoutMs);
    meter.enter(budget, now);
    return { budget, sliceEnd: now + limits.sliceMs, parked: undefined, tripped: undefined };
  };

  /** Parks the evaluation until the event loop has gone round once; `resumed` runs just before it carries on. */
  const park = (state: EvaluationState, now: number, resumed?: () => void): Promise<void> => {
    meter.leave(state.budget, now);
    return (state.parked = new Promise<void>((resume) =>
      setImmediate(() => {
        const at = clock();
        state.parked = undefined;
        state.sliceEnd = at + limits.sliceMs;
        meter.enter(state.budget, at);
        resumed?.();
        resume();
      }),
    ));
  };

  /**
   * The limits, checked on every step; the time of day when the slice is over and the evaluation
   * should park, else undefined. The clock is read on every step: concurrent evaluations interleave
   * step by step, and each step's time must go to the evaluation that ran it (cpu-meter.ts).
   */
  const due = (state: EvaluationState, depth: number): number | undefined => {
    // Once tripped, every branch still running (jsonata evaluates some in parallel) stops at its next step.
    if (state.tripped !== undefined) throw state.tripped;
    if (depth > limits.maxDepth) throw (state.tripped = new GuardrailTrip('depth', limits.maxDepth));
    const now = clock();
    if (meter.charge(state.budget, now)) throw (state.tripped = new GuardrailTrip('timeout', limits.timeoutMs));
    return slicing && now >= state.sliceEnd ? now : undefined;
  };

  /** Fast path: the checks run synchronously in `base.guardrails()`; the hook is bound only to park. */
  const takeOver = (base: BaseFrame & { guardrails: unknown; bind: Bind }): void => {
    const state = newState();
    const unhook = (): void => base.bind(ENTRY, undefined);
    // While parked, every branch that reaches a step parks on the same promise, so the event loop really gets free.
    const parking: EntryHook = () => state.parked;
    base.guardrails = (): void => {
      if (state.parked !== undefined) return;
      const now = due(state, base.depth ?? 0);
      if (now === undefined) return;
      park(state, now, unhook);
      base.bind(ENTRY, parking); // jsonata looks the hook up right after this call returns
    };
    unhook();
  };

  // Plain path: one state per evaluation, keyed by its base frame.
  const states = new WeakMap<object, EvaluationState>();
  // The hook fires on every step; consecutive calls nearly always belong to the same evaluation.
  let lastBase: object | undefined;
  let lastState: EvaluationState | undefined;
  // (lastBase keeps the latest evaluation's frame alive until the next one: one document per mapping.)
  const stateOf = (base: BaseFrame): EvaluationState => {
    if (base === lastBase && lastState !== undefined) return lastState;
    let state = states.get(base);
    if (state === undefined) states.set(base, (state = newState()));
    lastBase = base;
    lastState = state;
    return state;
  };

  const hook: EntryHook = (_expr, _input, { base }) => {
    if (fast && typeof base.guardrails === 'function' && typeof base.bind === 'function') {
      takeOver(base as BaseFrame & { guardrails: unknown; bind: Bind });
      (base.guardrails as () => void)(); // this first step's own check
      return undefined;
    }
    const state = stateOf(base);
    if (state.parked !== undefined) return state.parked;
    const now = due(state, base.depth ?? 0);
    return now === undefined ? undefined : park(state, now);
  };

  (expr.assign as unknown as Bind)(ENTRY, hook);
}
