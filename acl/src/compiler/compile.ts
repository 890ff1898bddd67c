import * as applyModule from './apply';
import type { Code } from './apply';
import { arrayConstructor, objectConstructor, path, type Pair } from './constructors';
import { fieldPath } from './field-path';
import { compileBind, compileCall, compileLambda } from './functions';
import * as operators from './operators';
import * as runModule from './run';
import type { Frame } from './run';
import { isNode, Scope, Unsupported, type AstNode } from './scope';
import type { Site } from './site';
import { compileVariable } from './variables';
import * as values from './values';

// Local copies: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { onSpine } = applyModule;
const { BINARY_OPS, boolize, negate } = operators;
const { newFrame } = runModule;
const { collapse, lookup, toBoolean } = values;

/**
 * Compiles a jsonata AST into closures, once, at load (no eval, no new Function). Every node the
 * compiler meets must be in the subset below, with no field it does not know (filters, sorting,
 * grouping, focus/index binding, signatures, `[]`...): anything else throws Unsupported and the
 * mapping keeps the jsonata evaluator.
 */

const COMMON = ['type', 'value', 'position'];
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  string: [], number: [], value: [], variable: [], name: [],
  path: ['steps'], binary: ['lhs', 'rhs'], condition: ['condition', 'then', 'else'], block: ['expressions'],
  bind: ['lhs', 'rhs'], function: ['procedure', 'arguments'], lambda: ['arguments', 'body', 'thunk'],
  unary: ['expression', 'expressions', 'lhs', 'consarray'],
};

export function checkFields(node: AstNode): void {
  const allowed = FIELDS[node.type];
  if (allowed === undefined) throw new Unsupported(`"${node.type}" expressions`, node);
  for (const key of Object.keys(node)) {
    if (node[key] === undefined) continue; // the parser leaves `signature: undefined` on every lambda
    if (!COMMON.includes(key) && !allowed.includes(key)) throw new Unsupported(`"${key}" on a ${node.type} expression`, node);
  }
}

export function nodes(value: unknown, what: string, at: AstNode): AstNode[] {
  if (!Array.isArray(value) || !value.every(isNode)) throw new Unsupported(`unexpected ${what}`, at);
  return value;
}

export function child(value: unknown, what: string, at: AstNode): AstNode {
  if (!isNode(value)) throw new Unsupported(`unexpected ${what}`, at);
  return value;
}

/** jsonata's `evaluate` wrapper: every result that is a sequence collapses. */
function collapsing(code: Code): Code {
  const { sync, spine } = code;
  return {
    sync: (input, frame, run) => collapse(sync(input, frame, run)),
    spine: spine === undefined ? undefined : async (input, frame, run) => collapse(await spine(input, frame, run)),
  };
}

const constant = (value: unknown): Code => ({ sync: () => value });

export function compileNode(node: AstNode, site: Site): Code {
  checkFields(node);
  const inner: Site = { ...site, depth: site.depth + 1 };
  switch (node.type) {
    case 'string': case 'number': case 'value':
      return constant(node.value);
    case 'variable':
      return collapsing(compileVariable(node, site.scope, site.globals));
    case 'name': {
      if (typeof node.value !== 'string') throw new Unsupported('a field name that is not a string', node);
      return compileName(node.value);
    }
    case 'path': {
      const steps = nodes(node['steps'], 'path steps', node);
      const first = steps[0];
      if (first === undefined) throw new Unsupported('an empty path', node);
      const codes = steps.map((s) => compileNode(s, inner));
      const general = collapsing(path(codes, first.type === 'variable', first['consarray'] === true));
      const lead = first.type === 'variable' && first.value !== '' ? 1 : 0;
      const names = steps.slice(lead);
      if (names.length === 0 || !names.every((s) => s.type === 'name' && typeof s.value === 'string')) return general;
      return fieldPath(lead === 1 ? codes[0] : undefined, names.map((s) => s.value as string), general);
    }
    case 'unary':
      return compileUnary(node, inner);
    case 'binary':
      return compileBinary(node, inner);
    case 'condition':
      return collapsing(compileCondition(node, inner));
    case 'block':
      return collapsing(compileBlock(node, site));
    case 'bind':
      return collapsing(compileBind(node, site, compileNode));
    case 'function':
      return compileCall(node, site, compileNode);
    default:
      return compileLambda(node, site, compileNode);
  }
}

/** A field name step: fn.lookup, collapsed. */
function compileName(key: string): Code {
  return { sync: (input) => collapse(lookup(input, key)) };
}

function compileUnary(node: AstNode, inner: Site): Code {
  if (node.value === '-') {
    if (node['consarray'] !== undefined) throw new Unsupported('a flag on unary minus', node);
    const operand = compileNode(child(node['expression'], 'operand', node), inner);
    return { sync: (input, frame, run) => negate(operand.sync(input, frame, run)) };
  }
  if (node.value === '[') {
    const items = nodes(node['expressions'], 'array items', node);
    return arrayConstructor(items.map((i) => compileNode(i, inner)), items.map((i) => i.value === '['), node['consarray'] === true);
  }
  if (node.value === '{' && Array.isArray(node['lhs'])) {
    const pairs: Pair[] = [];
    const keys: string[] = [];
    for (const raw of node['lhs'] as unknown[]) {
      if (!Array.isArray(raw) || raw.length !== 2) throw new Unsupported('an object constructor entry', node);
      const [key, value] = [child(raw[0], 'object key', node), child(raw[1], 'object value', node)];
      pairs.push({ key: compileNode(key, inner), value: compileNode(value, inner) });
      if (key.type === 'string' && typeof key.value === 'string') keys.push(key.value);
    }
    const literal = keys.length === pairs.length && new Set(keys).size === keys.length && !keys.includes('__proto__');
    return objectConstructor(pairs, literal ? keys : undefined);
  }
  throw new Unsupported(`unary "${String(node.value)}"`, node);
}

function compileBinary(node: AstNode, inner: Site): Code {
  const lhs = compileNode(child(node['lhs'], 'left operand', node), inner);
  const rhs = compileNode(child(node['rhs'], 'right operand', node), inner);
  if (node.value === 'and' || node.value === 'or') {
    const and = node.value === 'and';
    return {
      sync(input, frame, run) {
        const left = boolize(lhs.sync(input, frame, run));
        if (and ? !left : left) return left;
        return boolize(rhs.sync(input, frame, run));
      },
    };
  }
  const op = BINARY_OPS.get(String(node.value));
  if (op === undefined) throw new Unsupported(`operator "${String(node.value)}"`, node);
  return {
    sync: (input, frame, run) => op(lhs.sync(input, frame, run), rhs.sync(input, frame, run)),
    async spine(input, frame, run) {
      const left = await onSpine(lhs, input, frame, run);
      return op(left, await onSpine(rhs, input, frame, run));
    },
  };
}

function compileCondition(node: AstNode, inner: Site): Code {
  const test = compileNode(child(node['condition'], 'condition', node), inner);
  const then = compileNode(child(node['then'], 'then branch', node), inner);
  const otherwise = node['else'] === undefined ? undefined : compileNode(child(node['else'], 'else branch', node), inner);
  return {
    sync(input, frame, run) {
      if (toBoolean(test.sync(input, frame, run)) === true) return then.sync(input, frame, run);
      return otherwise?.sync(input, frame, run);
    },
    async spine(input, frame, run) {
      if (toBoolean(await onSpine(test, input, frame, run)) === true) return onSpine(then, input, frame, run);
      return otherwise === undefined ? undefined : onSpine(otherwise, input, frame, run);
    },
  };
}

function compileBlock(node: AstNode, site: Site): Code {
  const expressions = nodes(node['expressions'], 'block expressions', node);
  const scope = new Scope(site.scope, [], expressions);
  const inner: Site = { ...site, scope, depth: site.depth + 1 };
  const codes = expressions.map((e) => compileNode(e, inner));
  const size = scope.names.length;
  const enter = size === 0 ? (frame: Frame) => frame : (frame: Frame) => newFrame(size, frame);
  return {
    sync(input, frame, run) {
      const own = enter(frame);
      let result: unknown;
      for (const code of codes) result = code.sync(input, own, run);
      return result;
    },
    async spine(input, frame, run) {
      const own = enter(frame);
      let result: unknown;
      for (const code of codes) result = await onSpine(code, input, own, run);
      return result;
    },
  };
}
