import * as applyModule from './apply';
import type { Code, LambdaDef } from './apply';
import { isNode, Scope, Unsupported, type AstNode } from './scope';
import type { Site } from './site';
import { staticHelper } from './variables';
import * as values from './values';

// Local copies: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { apply, applyOnSpine, Lambda, onSpine, TailCall } = applyModule;
const { Bailout, collapse, isFunctionValue, isMarkedObject } = values;

/** Compiles a child node; handed in by compile.ts, which owns the dispatch. */
export type CompileChild = (node: AstNode, site: Site) => Code;

function child(value: unknown, what: string, at: AstNode): AstNode {
  if (!isNode(value)) throw new Unsupported(`unexpected ${what}`, at);
  return value;
}

function argumentNodes(value: unknown, at: AstNode): AstNode[] {
  if (!Array.isArray(value) || !value.every(isNode)) throw new Unsupported('unexpected arguments', at);
  return value;
}

/** jsonata wraps every function argument of a call, and fails (a TypeError) on a document's marked object. */
function checkArgs(args: readonly unknown[]): unknown[] {
  for (const arg of args) if (isMarkedObject(arg)) throw new Bailout('a document object marked as a jsonata function, as an argument');
  return args as unknown[];
}

async function spineArgs(codes: readonly Code[], input: unknown, frame: Parameters<Code['sync']>[1], run: Parameters<Code['sync']>[2]): Promise<unknown[]> {
  const args = new Array<unknown>(codes.length);
  for (let i = 0; i < codes.length; i++) args[i] = await onSpine(codes[i] as Code, input, frame, run);
  return args;
}

/** `$x := value`: binds in the innermost scope (the parser guarantees a variable on the left). */
export function compileBind(node: AstNode, site: Site, compile: CompileChild): Code {
  const lhs = child(node['lhs'], 'binding target', node);
  const slot = site.scope.names.indexOf(String(lhs.value));
  if (lhs.type !== 'variable' || slot < 0) throw new Unsupported('a binding the compiler did not expect', node);
  const rhs = compile(child(node['rhs'], 'bound value', node), { ...site, depth: site.depth + 1 });
  return {
    sync(input, frame, run) {
      const value = rhs.sync(input, frame, run);
      frame.slots[slot] = value;
      return value;
    },
    async spine(input, frame, run) {
      const value = await onSpine(rhs, input, frame, run);
      frame.slots[slot] = value;
      return value;
    },
  };
}

/**
 * A call of a native helper no binding can shadow (`$legacyMoney(...)`): called directly, as apply.ts
 * would call it, without looking the name up or counting a step (a native call cannot recurse).
 */
function helperCall(helper: (...args: unknown[]) => unknown, args: readonly Code[]): Code {
  const checked = (value: unknown): unknown => {
    if (isFunctionValue(value)) throw new Bailout('a function handed to a native function');
    return value;
  };
  const answer = (result: unknown): unknown => {
    if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') throw new Bailout('a native function answered a promise');
    return collapse(result);
  };
  const [first, second] = args;
  // The helpers take one or two arguments: those calls skip the argument array.
  const sync: Code['sync'] =
    args.length === 1 && first !== undefined
      ? (input, frame, run) => answer(helper.call(input, checked(first.sync(input, frame, run))))
      : args.length === 2 && first !== undefined && second !== undefined
        ? (input, frame, run) => {
            const a = checked(first.sync(input, frame, run));
            return answer(helper.call(input, a, checked(second.sync(input, frame, run))));
          }
        : (input, frame, run) => {
            const values = new Array<unknown>(args.length);
            for (let i = 0; i < args.length; i++) values[i] = checked((args[i] as Code).sync(input, frame, run));
            return answer(helper.apply(input, values));
          };
  return {
    sync,
    async spine(input, frame, run) {
      const values = await spineArgs(args, input, frame, run);
      return answer(helper.apply(input, values.map(checked)));
    },
  };
}

/** `f(args)`: the procedure, then the arguments in order, then the call; the result collapses. */
export function compileCall(node: AstNode, site: Site, compile: CompileChild): Code {
  const inner: Site = { ...site, depth: site.depth + 1 };
  const procedureNode = child(node['procedure'], 'procedure', node);
  const procedure = compile(procedureNode, inner);
  const args = argumentNodes(node['arguments'], node).map((a) => compile(a, inner));
  const helper = procedureNode['predicate'] === undefined ? staticHelper(procedureNode, site.scope, site.globals) : undefined;
  if (helper !== undefined) return helperCall(helper, args);
  const weight = site.depth;
  return {
    sync(input, frame, run) {
      const proc = procedure.sync(input, frame, run);
      const values = new Array<unknown>(args.length);
      for (let i = 0; i < args.length; i++) values[i] = (args[i] as Code).sync(input, frame, run);
      return collapse(apply(proc, checkArgs(values), input, run, weight));
    },
    async spine(input, frame, run) {
      const proc = await onSpine(procedure, input, frame, run);
      return collapse(await applyOnSpine(proc, checkArgs(await spineArgs(args, input, frame, run)), input, run, weight));
    },
  };
}

/**
 * `function($a, $b) {...}`, or the thunk jsonata's parser puts around a call in tail position:
 * that one evaluates the call's procedure and arguments and hands them to the trampoline in apply.ts.
 */
export function compileLambda(node: AstNode, site: Site, compile: CompileChild): Code {
  const body = child(node['body'], 'lambda body', node);
  if (node['thunk'] === true) {
    if (body.type !== 'function') throw new Unsupported('a tail-call thunk around something other than a call', node);
    const procedure = compile(child(body['procedure'], 'procedure', body), site);
    const args = argumentNodes(body['arguments'], body).map((a) => compile(a, site));
    for (const key of Object.keys(body)) {
      if (body[key] !== undefined && !['type', 'value', 'position', 'procedure', 'arguments'].includes(key)) throw new Unsupported(`"${key}" on a tail call`, body);
    }
    return {
      sync(input, frame, run) {
        const proc = procedure.sync(input, frame, run);
        const values = new Array<unknown>(args.length);
        for (let i = 0; i < args.length; i++) values[i] = (args[i] as Code).sync(input, frame, run);
        return new TailCall(proc, values);
      },
      async spine(input, frame, run) {
        const proc = await onSpine(procedure, input, frame, run);
        return new TailCall(proc, await spineArgs(args, input, frame, run));
      },
    };
  }
  const params = argumentNodes(node['arguments'], node).map((p) => {
    if (p.type !== 'variable' || typeof p.value !== 'string') throw new Unsupported('a lambda parameter', node);
    return p.value;
  });
  if (new Set(params).size !== params.length) throw new Unsupported('a lambda with a repeated parameter', node);
  const scope = new Scope(site.scope, params, [body]);
  const def: LambdaDef = { params: params.length, frameSize: scope.names.length, body: compile(body, { ...site, scope, depth: 1 }) };
  return { sync: (input, frame) => new Lambda(def, input, frame) };
}
