import * as runModule from './run';
import type { Frame, Run } from './run';
import { Bailout, CompiledFn } from './values';
import * as values from './values';

// Local copies: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { newFrame } = runModule;
const { isFunctionValue } = values;

/** A compiled expression: `sync` always; `spine` when it may loop over many items and so may park. */
export interface Code {
  readonly sync: (input: unknown, frame: Frame, run: Run) => unknown;
  readonly spine?: (input: unknown, frame: Frame, run: Run) => Promise<unknown>;
}

/** Runs `code` on the spine when it has one, else synchronously. */
export async function onSpine(code: Code, input: unknown, frame: Frame, run: Run): Promise<unknown> {
  return code.spine === undefined ? code.sync(input, frame, run) : code.spine(input, frame, run);
}

/** What a `function(...) {...}` compiles to: how many parameters, the size of its frame, its body. */
export interface LambdaDef {
  readonly params: number;
  /** Parameters plus the names its body binds; 0: the body runs in the defining frame. */
  readonly frameSize: number;
  readonly body: Code;
}

/** A lambda value: its definition, the context it was defined on and the frame it closes over. */
export class Lambda extends CompiledFn {
  constructor(
    readonly def: LambdaDef,
    readonly input: unknown,
    readonly frame: Frame,
  ) {
    super();
  }

  get arity(): number {
    return this.def.params;
  }
}

/**
 * One of jsonata's built-in functions, ported. The lambdas it calls ($map's) enter at its own
 * call's depth, already counted by `apply`, as jsonata's do.
 */
export class Builtin extends CompiledFn {
  constructor(
    readonly name: string,
    readonly arity: number,
    readonly call: (args: unknown[], run: Run) => unknown,
    readonly spineCall?: (args: unknown[], run: Run) => Promise<unknown>,
  ) {
    super();
  }
}

/** jsonata's tail-call thunk, already evaluated: the trampoline in `apply` makes the call. */
export class TailCall {
  constructor(
    readonly proc: unknown,
    readonly args: unknown[],
  ) {}
}

function lambdaFrame(proc: Lambda, args: readonly unknown[]): Frame {
  const { params, frameSize } = proc.def;
  if (frameSize === 0) return proc.frame;
  const frame = newFrame(frameSize, proc.frame);
  for (let i = 0; i < params; i++) frame.slots[i] = args[i];
  return frame;
}

/** A native helper ($legacyMoney...), called as jsonata calls a plain function: `this` is the context. */
function callNative(proc: (...args: unknown[]) => unknown, args: unknown[], input: unknown): unknown {
  for (const arg of args) if (isFunctionValue(arg)) throw new Bailout('a function handed to a native function');
  const result = proc.apply(input, args);
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    throw new Bailout('a native function answered a promise');
  }
  return result;
}

function applyInner(proc: unknown, args: unknown[], input: unknown, run: Run): unknown {
  if (proc instanceof Lambda) return proc.def.body.sync(proc.input, lambdaFrame(proc, args), run);
  if (proc instanceof Builtin) return proc.call(args, run);
  if (typeof proc === 'function') return callNative(proc as (...a: unknown[]) => unknown, args, input);
  throw new Bailout('invoking a non-function (T1006)');
}

/**
 * jsonata's `apply`: the call, then the trampoline for tail calls (a tail call runs at the depth of
 * the call that started the chain, so tail recursion never trips the depth limit, only the timeout).
 * `weight`: the call site's depth below its own body. Not collapsed: the caller does that.
 */
export function apply(proc: unknown, args: unknown[], input: unknown, run: Run, weight: number): unknown {
  run.tick();
  run.enter(weight);
  let result = applyInner(proc, args, input, run);
  while (result instanceof TailCall) {
    run.tick();
    result = applyInner(result.proc, result.args, input, run);
  }
  run.leave(weight);
  return result;
}

/** apply's trampoline on its own, for generated code that made the first call itself. */
export function trampoline(first: TailCall, input: unknown, run: Run): unknown {
  let result: unknown = first;
  while (result instanceof TailCall) {
    run.tick();
    result = applyInner(result.proc, result.args, input, run);
  }
  return result;
}

async function applyInnerOnSpine(proc: unknown, args: unknown[], input: unknown, run: Run): Promise<unknown> {
  if (proc instanceof Lambda && proc.def.body.spine !== undefined) return proc.def.body.spine(proc.input, lambdaFrame(proc, args), run);
  if (proc instanceof Builtin && proc.spineCall !== undefined) return proc.spineCall(args, run);
  return applyInner(proc, args, input, run);
}

/** `apply` on the spine: a long call (or a runaway tail recursion) parks between its steps. */
export async function applyOnSpine(proc: unknown, args: unknown[], input: unknown, run: Run, weight: number): Promise<unknown> {
  run.tick();
  run.enter(weight);
  let result = await applyInnerOnSpine(proc, args, input, run);
  while (result instanceof TailCall) {
    run.tick();
    if (run.due()) await run.park();
    result = await applyInnerOnSpine(result.proc, result.args, input, run);
  }
  run.leave(weight);
  return result;
}
