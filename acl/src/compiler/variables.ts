import type { Code } from './apply';
import { COMPILED_BUILTINS, JSONATA_ONLY_BUILTINS } from './builtins';
import * as runModule from './run';
import type { Frame, Run } from './run';
import * as scopeModule from './scope';
import type { AstNode, Scope, Slot } from './scope';
import { Bailout } from './values';

// Local copies: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { UNBOUND } = runModule;
const { frameAt, Unsupported } = scopeModule;

/** What a mapping can reach beyond its own bindings. */
export interface Globals {
  /** Native helpers bound into every mapping ($legacyMoney...), by name without `$`. */
  readonly helpers: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** Names bound per call (`now`, `millis`); their values come with each evaluation, in this order. */
  readonly bindingNames: readonly string[];
  /**
   * Helpers that never read `this` and always answer a string, a number, null or a fresh plain
   * object of their own (never a promise, a sequence or a function): generated code calls them
   * directly and skips jsonata's checks of a native function's answer.
   */
  readonly plainHelpers?: ReadonlySet<unknown>;
}

type Lookup = (run: Run) => unknown;

/** Where a name outside the mapping's own frames comes from: the document, a per-call binding, or a fixed value. */
export type GlobalSource = { readonly kind: 'root' } | { readonly kind: 'binding'; readonly index: number } | { readonly kind: 'value'; readonly value: unknown };

/**
 * How jsonata finds a name outside the mapping's own frames: the per-call bindings, then the
 * helpers, then its built-ins. `undefined`: a built-in only jsonata has.
 */
export function resolveGlobal(name: string, globals: Globals): GlobalSource | undefined {
  if (name === '$') return { kind: 'root' };
  const index = globals.bindingNames.indexOf(name);
  if (index >= 0) return { kind: 'binding', index };
  if (Object.prototype.hasOwnProperty.call(globals.helpers, name)) return { kind: 'value', value: globals.helpers[name] };
  const builtin = COMPILED_BUILTINS.get(name);
  if (builtin !== undefined) return { kind: 'value', value: builtin };
  if (JSONATA_ONLY_BUILTINS.has(name)) return undefined;
  return { kind: 'value', value: undefined };
}

function globalLookup(name: string, globals: Globals): Lookup | undefined {
  const source = resolveGlobal(name, globals);
  if (source === undefined) return undefined;
  if (source.kind === 'root') return (run) => run.root;
  if (source.kind === 'binding') {
    const { index } = source;
    return (run) => run.bindings[index];
  }
  const { value } = source;
  return () => value;
}

function fromSlots(slots: readonly Slot[], fallback: Lookup): Code['sync'] {
  const [only] = slots;
  if (slots.length === 1 && only !== undefined && only.hops === 0) {
    const { slot } = only;
    return (_input, frame, run) => {
      const value = frame.slots[slot];
      return value === UNBOUND ? fallback(run) : value;
    };
  }
  if (slots.length === 1 && only !== undefined && only.hops === 1) {
    const { slot } = only;
    return (_input, frame, run) => {
      const value = frameAt(frame, 1).slots[slot];
      return value === UNBOUND ? fallback(run) : value;
    };
  }
  return (_input, frame: Frame, run) => {
    for (const { hops, slot } of slots) {
      const value = frameAt(frame, hops).slots[slot];
      if (value !== UNBOUND) return value;
    }
    return fallback(run);
  };
}

/** `$name`, `$` (the context) or `$$` (the document); not collapsed here. */
export function compileVariable(node: AstNode, scope: Scope, globals: Globals): Code {
  const name = node.value;
  if (typeof name !== 'string') throw new Unsupported('a variable without a name', node);
  if (name === '') {
    // jsonata: `input && input.outerWrapper ? input[0] : input`, whatever the input is.
    return {
      sync: (input) => (input && (input as { outerWrapper?: unknown }).outerWrapper ? (input as Record<number, unknown>)[0] : input),
    };
  }
  const slots = scope.resolve(name);
  const global = globalLookup(name, globals);
  if (global === undefined && slots.length === 0) throw new Unsupported(`$${name} (a jsonata built-in the compiled evaluator does not run)`, node);
  const fallback: Lookup =
    global ??
    (() => {
      throw new Bailout(`$${name} reached jsonata's own built-in`);
    });
  return { sync: slots.length === 0 ? (_input, _frame, run) => fallback(run) : fromSlots(slots, fallback) };
}

/** The native helper `$name` always means in this scope (no binding of the mapping can shadow it), or undefined. */
export function staticHelper(node: AstNode, scope: Scope, globals: Globals): ((...args: unknown[]) => unknown) | undefined {
  const name = node.value;
  if (node.type !== 'variable' || typeof name !== 'string' || scope.resolve(name).length > 0) return undefined;
  if (globals.bindingNames.includes(name) || !Object.prototype.hasOwnProperty.call(globals.helpers, name)) return undefined;
  return globals.helpers[name] as (...args: unknown[]) => unknown;
}
