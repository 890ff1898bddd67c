import type { Code } from '../compiler/apply';
import { checkFields, child, compileNode, nodes } from '../compiler/compile';
import { BINARY_OPS } from '../compiler/operators';
import { isNode, Scope, Unsupported, type AstNode } from '../compiler/scope';
import type { Site } from '../compiler/site';
import { generateCall, generateLambda, type KnownLambda } from './calls';
import { collapseInPlace, isLiteralText } from './checks';
import { generatePath, generateFieldPath } from './paths';
import { generateVariable, ownerOf } from './variables';
import { LazyFrames } from './frames';
import { literal, NotALiteral, Source } from './source';

/**
 * jsonata's AST (the compiled subset, compile.ts) written out as JavaScript source, node for node
 * what the closure compiler builds, with the same frames, steps and bail-outs: the straight-line
 * parts (blocks, bindings, variables, field paths, object and array constructors, conditions,
 * operators, calls, lambdas) become inline code; the rest (grouping constructors, paths over
 * sequences the inline loop does not model) is the closure compiler's own code for that node,
 * called from the generated code. Paths are in paths.ts, calls and lambdas in calls.ts.
 *
 * Every function takes `(input, frame, run)` like a closure's `sync`; `frame` names the frame of
 * the innermost scope that has one. An expression is generated as statements that leave its value
 * in a temp, and the temp's name is returned.
 */
export class Generator {
  /** The functions of lambda bodies, emitted before the root. */
  readonly bodies: string[] = [];
  /**
   * The current function's memo of the last object a field path found not to be a function value
   * (a row's seven fields would ask seven times). Objects never change during an evaluation.
   */
  memo = 'undefined';
  /** Whether `memo`'s prototype is Object.prototype (paths.ts: its fields are read without hasOwnProperty when Object.prototype lacks them). */
  plain = 'false';
  /** The current function's parameter locals (fn), by name: the scope a name resolves to first decides. */
  private params = new Map<string, string>();
  private paramScope: Scope | undefined;
  /** Temps (and literals) whose value collapse leaves as it is: collapsing them again is skipped. */
  private readonly collapsed = new Set<string>();
  /** Lambdas bound with `$name := function...`, by name: their call sites call the body directly when the value is still that lambda. */
  readonly lambdas = new Map<string, KnownLambda>();
  /** The lambda each `new rt.Lambda` temp holds, for `bind` to name it. */
  readonly lambdaTemps = new Map<string, KnownLambda>();

  /** The frames frameless bodies make on first need (frames.ts). */
  readonly frames = new LazyFrames();

  constructor(readonly out: Source) {}

  /** The whole program: lambda bodies, then the root, as a factory body taking `rt` and `k`. */
  program(ast: AstNode, site: Site): string {
    const root = this.fn(ast, site);
    return ['"use strict";', ...this.out.prelude, ...this.bodies, `return ${root};`].join('\n');
  }

  /**
   * A function `(input, frame, run) => value` for `node`; its name. The body of a lambda reads each
   * parameter its `:=`s never assign once, collapsed, at the top: every later use is that local.
   *
   * `frameless`: a lambda body whose scope holds its parameters only, none assigned. It is called
   * `(input, parentFrame, run, ...arguments)` and makes its own frame only when something needs
   * it as an object (a delegate to the closure compiler, a nested lambda or block, a path step):
   * once per call, on first need (frames.ts). A row's `$product($row)` then allocates nothing
   * for the call.
   */
  fn(node: AstNode, site: Site, frameless = false): string {
    const saved = this.out.begin();
    const outer = { memo: this.memo, plain: this.plain, params: this.params, paramScope: this.paramScope };
    const name = this.out.temp();
    this.memo = this.out.temp();
    this.plain = this.out.temp();
    this.out.line(`let ${this.memo};`);
    this.out.line(`let ${this.plain} = false;`);
    this.params = new Map();
    const { scope } = site;
    this.paramScope = scope;
    const { frame, args } = frameless ? this.frames.open(this.out, scope) : { frame: 'frame', args: [] };
    for (let slot = 0; slot < scope.params; slot++) {
      const param = scope.names[slot] as string;
      if (!scope.assigned.has(param)) this.params.set(param, this.collapse(this.let(args[slot] ?? `frame.slots[${slot}]`)));
    }
    const value = this.gen(node, site, frame);
    this.out.line(`return ${value};`);
    const body = this.out.end(saved);
    Object.assign(this, outer);
    this.bodies.push(`const ${name} = function (input, frame, run${args.map((a) => `, ${a}`).join('')}) {\n${body}\n};`);
    return name;
  }

  /** The closure compiler's code for `node`, called from here. */
  delegate(node: AstNode, site: Site, frame: string): string {
    const code: Code = compileNode(node, site);
    return this.let(`${this.out.constant(code)}.sync(input, ${this.frames.value(frame)}, run)`);
  }

  let(expression: string): string {
    const t = this.out.temp();
    this.out.line(`let ${t} = ${expression};`);
    return t;
  }

  /** collapse(value) as a new temp, or `value` itself when collapsing cannot change it. */
  collapse(value: string): string {
    if (this.collapsed.has(value) || isLiteralText(value)) return value;
    const t = this.let(value);
    this.out.line(collapseInPlace(t));
    return this.done(t);
  }

  /** Marks a temp as already collapsed; answers it. */
  done(t: string): string {
    this.collapsed.add(t);
    return t;
  }

  gen(node: AstNode, site: Site, frame: string): string {
    checkFields(node);
    const inner: Site = { ...site, depth: site.depth + 1 };
    switch (node.type) {
      case 'string': case 'number': case 'value':
        try {
          return literal(node.value);
        } catch (e) {
          if (e instanceof NotALiteral) return this.delegate(node, site, frame);
          throw e;
        }
      case 'variable': {
        const local = typeof node.value === 'string' && ownerOf(site.scope, node.value) === this.paramScope ? this.params.get(node.value) : undefined;
        return local ?? this.collapse(generateVariable(this, node, site, frame));
      }
      case 'name':
        if (typeof node.value !== 'string') throw new Unsupported('a field name that is not a string', node);
        return generateFieldPath(this, undefined, [node.value], node, site, frame, true);
      case 'path':
        return generatePath(this, node, site, inner, frame);
      case 'unary':
        return this.unary(node, site, inner, frame);
      case 'binary':
        return this.binary(node, inner, frame);
      case 'condition':
        return this.condition(node, inner, frame);
      case 'block':
        return this.blockNode(node, site, frame);
      case 'bind':
        return this.bind(node, site, frame);
      case 'function':
        return generateCall(this, node, site, frame);
      default:
        return generateLambda(this, node, site, frame);
    }
  }

  private unary(node: AstNode, site: Site, inner: Site, frame: string): string {
    if (node.value === '-') {
      if (node['consarray'] !== undefined) throw new Unsupported('a flag on unary minus', node);
      return this.let(`rt.negate(${this.gen(child(node['expression'], 'operand', node), inner, frame)})`);
    }
    if (node.value === '[') {
      const items = nodes(node['expressions'], 'array items', node);
      const r = this.let('[]');
      for (const item of items) {
        const v = this.gen(item, inner, frame);
        this.out.line(item.value === '[' ? `if (${v} !== undefined) ${r}.push(${v});` : `if (${v} !== undefined) ${r} = rt.append(${r}, ${v});`);
      }
      return node['consarray'] === true ? this.let(`rt.cons(${r})`) : r;
    }
    if (node.value === '{' && Array.isArray(node['lhs'])) return this.object(node, site, inner, frame);
    throw new Unsupported(`unary "${String(node.value)}"`, node);
  }

  /** An object constructor whose keys are distinct string literals (not `__proto__`), on one item; grouping is the closures'. */
  private object(node: AstNode, site: Site, inner: Site, frame: string): string {
    const pairs = (node['lhs'] as unknown[]).map((raw) => {
      if (!Array.isArray(raw) || raw.length !== 2) throw new Unsupported('an object constructor entry', node);
      return [child(raw[0], 'object key', node), child(raw[1], 'object value', node)] as const;
    });
    const keys = pairs.map(([key]) => (key.type === 'string' && typeof key.value === 'string' ? key.value : undefined));
    const literalKeys = keys.every((k): k is string => k !== undefined) && new Set(keys).size === keys.length && !keys.includes('__proto__');
    if (!literalKeys) return this.delegate(node, site, frame);
    for (const [key] of pairs) checkFields(key);
    const r = this.out.temp();
    this.out.line(`let ${r};`);
    this.out.block(`if (Array.isArray(input))`, () => this.out.line(`${r} = ${this.out.constant(compileNode(node, site))}.sync(input, ${this.frames.value(frame)}, run);`));
    this.out.block('else', () => {
      // One object literal (one hidden class) when every value is defined, the usual case; else only the defined ones.
      const values = pairs.map(([, value]) => this.gen(value, inner, frame));
      this.out.line(`${r} = {${values.map((v, p) => `${literal(keys[p])}: ${v}`).join(', ')}};`);
      const maybeUndefined = values.filter((v) => v === 'undefined' || !isLiteralText(v));
      if (maybeUndefined.length === 0) return;
      this.out.block(`if (${maybeUndefined.map((v) => `${v} === undefined`).join(' || ')})`, () => {
        this.out.line(`${r} = {};`);
        values.forEach((v, p) => this.out.line(`if (${v} !== undefined) ${r}[${literal(keys[p])}] = ${v};`));
      });
    });
    return r;
  }

  private binary(node: AstNode, inner: Site, frame: string): string {
    const lhsNode = child(node['lhs'], 'left operand', node);
    const rhsNode = child(node['rhs'], 'right operand', node);
    if (node.value === 'and' || node.value === 'or') {
      const r = this.let(`rt.boolize(${this.gen(lhsNode, inner, frame)})`);
      this.out.block(`if (${node.value === 'and' ? r : `!${r}`})`, () => this.out.line(`${r} = rt.boolize(${this.gen(rhsNode, inner, frame)});`));
      return r;
    }
    const op = BINARY_OPS.get(String(node.value));
    if (op === undefined) throw new Unsupported(`operator "${String(node.value)}"`, node);
    const lhs = this.gen(lhsNode, inner, frame);
    const rhs = this.gen(rhsNode, inner, frame);
    return this.let(`${this.out.constant(op)}(${lhs}, ${rhs})`);
  }

  private condition(node: AstNode, inner: Site, frame: string): string {
    const test = this.gen(child(node['condition'], 'condition', node), inner, frame);
    const r = this.out.temp();
    this.out.line(`let ${r};`);
    this.out.block(`if (rt.toBoolean(${test}) === true)`, () => this.out.line(`${r} = ${this.gen(child(node['then'], 'then branch', node), inner, frame)};`));
    if (node['else'] !== undefined) this.out.block('else', () => this.out.line(`${r} = ${this.gen(child(node['else'], 'else branch', node), inner, frame)};`));
    return this.collapse(r);
  }

  private blockNode(node: AstNode, site: Site, frame: string): string {
    const expressions = nodes(node['expressions'], 'block expressions', node);
    const scope = new Scope(site.scope, [], expressions);
    const inner: Site = { ...site, scope, depth: site.depth + 1 };
    const own = scope.names.length === 0 ? frame : this.let(`rt.newFrame(${scope.names.length}, ${this.frames.value(frame)})`);
    let result = 'undefined';
    for (const e of expressions) result = this.gen(e, inner, own);
    return this.collapse(result);
  }

  private bind(node: AstNode, site: Site, frame: string): string {
    const lhs = child(node['lhs'], 'binding target', node);
    const slot = site.scope.names.indexOf(String(lhs.value));
    if (lhs.type !== 'variable' || slot < 0) throw new Unsupported('a binding the compiler did not expect', node);
    const rhs = child(node['rhs'], 'bound value', node);
    const value = this.gen(rhs, { ...site, depth: site.depth + 1 }, frame);
    // The lambda just generated, remembered under its name (calls.ts checks at run time that the name still holds it).
    const known = rhs.type === 'lambda' && rhs['thunk'] !== true ? this.lambdaTemps.get(value) : undefined;
    if (known !== undefined && !this.lambdas.has(String(lhs.value))) this.lambdas.set(String(lhs.value), known);
    if (this.frames.isLazy(frame)) throw new Unsupported('a binding in a frameless body', node);
    this.out.line(`${frame}.slots[${slot}] = ${value};`);
    return this.collapse(value);
  }

  args(value: unknown, at: AstNode, site: Site, frame: string): string[] {
    if (!Array.isArray(value) || !value.every(isNode)) throw new Unsupported('unexpected arguments', at);
    return value.map((a) => this.gen(a, site, frame));
  }
}
