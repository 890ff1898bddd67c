import type { Code, LambdaDef } from '../compiler/apply';
import { checkFields, child, compileNode, nodes } from '../compiler/compile';
import { path as generalPath } from '../compiler/constructors';
import { BINARY_OPS } from '../compiler/operators';
import { isNode, Scope, Unsupported, type AstNode } from '../compiler/scope';
import type { Site } from '../compiler/site';
import { resolveGlobal, staticHelper } from '../compiler/variables';
import { literal, NotALiteral, Source } from './source';

/**
 * jsonata's AST (the compiled subset, compile.ts) written out as JavaScript source, node for node
 * what the closure compiler builds, with the same frames, steps and bail-outs: the straight-line
 * parts (blocks, bindings, variables, field paths, object and array constructors, conditions,
 * operators, calls, lambdas) become inline code; the rest (general paths over sequences, grouping
 * constructors) is the closure compiler's own code for that node, called from the generated code.
 *
 * Every function takes `(input, frame, run)` like a closure's `sync`; `frame` names the frame of
 * the innermost scope that has one. An expression is generated as statements that leave its value
 * in a temp, and the temp's name is returned.
 */
export class Generator {
  /** The functions of lambda bodies, emitted before the root. */
  private readonly bodies: string[] = [];
  /**
   * The current function's memo of the last object a field path found not to be a function value
   * (isFunctionValue reads two missing properties; a row's seven fields would ask seven times).
   * Objects never change during an evaluation, so the answer holds.
   */
  private memo = 'undefined';

  constructor(readonly out: Source) {}

  /** The whole program: lambda bodies, then the root, as a factory body taking `rt` and `k`. */
  program(ast: AstNode, site: Site): string {
    const root = this.fn(ast, site);
    return ['"use strict";', ...this.bodies, `return ${root};`].join('\n');
  }

  /** A function `(input, frame, run) => value` for `node`; its name. */
  private fn(node: AstNode, site: Site): string {
    const saved = this.out.begin();
    const savedMemo = this.memo;
    const name = this.out.temp();
    this.memo = this.out.temp();
    this.out.line(`let ${this.memo};`);
    const value = this.gen(node, site, 'frame');
    this.out.line(`return ${value};`);
    const body = this.out.end(saved);
    this.memo = savedMemo;
    this.bodies.push(`const ${name} = function (input, frame, run) {\n${body}\n};`);
    return name;
  }

  private delegate(node: AstNode, site: Site, frame: string): string {
    const code = compileNode(node, site);
    return this.let(`${this.out.constant(code)}.sync(input, ${frame}, run)`);
  }

  private let(expression: string): string {
    const t = this.out.temp();
    this.out.line(`let ${t} = ${expression};`);
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
      case 'variable':
        return this.let(`rt.collapse(${this.variable(node, site, frame)})`);
      case 'name':
        if (typeof node.value !== 'string') throw new Unsupported('a field name that is not a string', node);
        return this.fieldPath(undefined, [node.value], node, site, frame, true);
      case 'path':
        return this.path(node, site, inner, frame);
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
        return this.call(node, site, frame);
      default:
        return this.lambda(node, site, frame);
    }
  }

  /** `$name`, `$`, `$$`: the value, not collapsed (as compileVariable). */
  private variable(node: AstNode, site: Site, frame: string): string {
    const name = node.value;
    if (typeof name !== 'string') throw new Unsupported('a variable without a name', node);
    if (name === '') return this.let(`rt.context(input)`);
    const slots = site.scope.resolve(name);
    const global = resolveGlobal(name, site.globals);
    if (global === undefined && slots.length === 0) throw new Unsupported(`$${name} (a jsonata built-in the compiled evaluator does not run)`, node);
    const fallback =
      global === undefined ? `rt.bail(${literal(`a variable reached jsonata's own built-in`)})`
      : global.kind === 'root' ? 'run.root'
      : global.kind === 'binding' ? `run.bindings[${global.index}]`
      : global.value === undefined ? 'undefined' : this.out.constant(global.value);
    const t = this.out.temp();
    this.out.line(`let ${t};`);
    const label = this.out.label();
    this.out.block(`${label}:`, () => {
      for (const { hops, slot } of slots) {
        this.out.line(`${t} = ${frame}${'.parent'.repeat(hops)}.slots[${slot}];`);
        this.out.line(`if (${t} !== rt.UNBOUND) break ${label};`);
      }
      this.out.line(`${t} = ${fallback};`);
    });
    return t;
  }

  private path(node: AstNode, site: Site, inner: Site, frame: string): string {
    const steps = nodes(node['steps'], 'path steps', node);
    const first = steps[0];
    if (first === undefined) throw new Unsupported('an empty path', node);
    const lead = first.type === 'variable' && first.value !== '' ? 1 : 0;
    const names = steps.slice(lead);
    if (names.length === 0 || !names.every((s) => s.type === 'name' && typeof s.value === 'string')) {
      // jsonata's general path (constructors.ts) over steps that are generated functions.
      const codes = steps.map((step) => {
        const code = { sync: undefined } as unknown as Code;
        this.bodies.push(`${this.out.constant(code)}.sync = ${this.fn(step, inner)};`);
        return code;
      });
      const general = generalPath(codes, first.type === 'variable', first['consarray'] === true);
      return this.let(`rt.collapse(${this.out.constant(general)}.sync(input, ${frame}, run))`);
    }
    for (const s of names) checkFields(s);
    const variable = lead === 1 ? this.gen(first, inner, frame) : undefined;
    return this.fieldPath(variable, names.map((s) => s.value as string), node, site, frame, false);
  }

  /**
   * fieldPath (field-path.ts) inline: while each step meets one object and finds one value that is
   * not an array, that value; at the first array the closure compiler's general path takes over.
   * A field is read only after hasOwnProperty said it is the object's own: never the prototype.
   * `single`: a lone name step (`PAGE`), which collapses what it finds.
   */
  private fieldPath(variable: string | undefined, keys: readonly string[], node: AstNode, site: Site, frame: string, single: boolean): string {
    const r = this.out.temp();
    const t = this.out.temp();
    const label = this.out.label();
    const general = `${this.out.constant(compileNode(node, site))}.sync(input, ${frame}, run)`;
    this.out.line(`let ${r};`);
    this.out.block(`${label}:`, () => {
      this.out.line(`let ${t} = ${variable ?? 'input'};`);
      if (variable !== undefined) this.out.line(`if (${t} === undefined) break ${label};`);
      this.out.line(`if (Array.isArray(${t})) { ${r} = ${general}; break ${label}; }`);
      for (const key of keys) {
        const k = literal(key);
        this.out.line(`if (${t} === null || typeof ${t} !== "object" || !rt.hasOwn(${t}, ${k})) break ${label};`);
        this.out.line(`if (${t} !== ${this.memo}) { if (rt.isFn(${t})) break ${label}; ${this.memo} = ${t}; }`);
        this.out.line(`${t} = ${t}[${k}];`);
        this.out.line(`if (${t} === undefined) break ${label};`);
        this.out.line(`if (Array.isArray(${t})) { ${r} = ${single ? `rt.collapse(${t})` : general}; break ${label}; }`);
      }
      this.out.line(`${r} = ${t};`);
    });
    return r;
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
    this.out.block(`if (Array.isArray(input))`, () => this.out.line(`${r} = ${this.out.constant(compileNode(node, site))}.sync(input, ${frame}, run);`));
    this.out.block('else', () => {
      // One object literal (one hidden class) when every value is defined, the usual case; else only the defined ones.
      const values = pairs.map(([, value]) => this.gen(value, inner, frame));
      this.out.line(`${r} = {${values.map((v, p) => `${literal(keys[p])}: ${v}`).join(', ')}};`);
      if (values.length === 0) return;
      this.out.block(`if (${values.map((v) => `${v} === undefined`).join(' || ')})`, () => {
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
    return this.let(`rt.collapse(${r})`);
  }

  private blockNode(node: AstNode, site: Site, frame: string): string {
    const expressions = nodes(node['expressions'], 'block expressions', node);
    const scope = new Scope(site.scope, [], expressions);
    const inner: Site = { ...site, scope, depth: site.depth + 1 };
    const own = scope.names.length === 0 ? frame : this.let(`rt.newFrame(${scope.names.length}, ${frame})`);
    let result = 'undefined';
    for (const e of expressions) result = this.gen(e, inner, own);
    return this.let(`rt.collapse(${result})`);
  }

  private bind(node: AstNode, site: Site, frame: string): string {
    const lhs = child(node['lhs'], 'binding target', node);
    const slot = site.scope.names.indexOf(String(lhs.value));
    if (lhs.type !== 'variable' || slot < 0) throw new Unsupported('a binding the compiler did not expect', node);
    const value = this.gen(child(node['rhs'], 'bound value', node), { ...site, depth: site.depth + 1 }, frame);
    this.out.line(`${frame}.slots[${slot}] = ${value};`);
    return this.let(`rt.collapse(${value})`);
  }

  private args(value: unknown, at: AstNode, site: Site, frame: string): string[] {
    if (!Array.isArray(value) || !value.every(isNode)) throw new Unsupported('unexpected arguments', at);
    return value.map((a) => this.gen(a, site, frame));
  }

  private call(node: AstNode, site: Site, frame: string): string {
    const inner: Site = { ...site, depth: site.depth + 1 };
    const procedureNode = child(node['procedure'], 'procedure', node);
    const helper = procedureNode['predicate'] === undefined ? staticHelper(procedureNode, site.scope, site.globals) : undefined;
    if (helper !== undefined) {
      // As helperCall: the procedure is known; each argument is checked as it is evaluated.
      checkFields(procedureNode);
      const args = (node['arguments'] as AstNode[] | undefined ?? []).map((a) => {
        if (!isNode(a)) throw new Unsupported('unexpected arguments', node);
        return this.let(`rt.helperArg(${this.gen(a, inner, frame)})`);
      });
      if (!Array.isArray(node['arguments'])) throw new Unsupported('unexpected arguments', node);
      return this.let(`rt.helperAnswer(${this.out.constant(helper)}.call(input${args.map((a) => `, ${a}`).join('')}))`);
    }
    const procedure = this.gen(procedureNode, inner, frame);
    const args = this.args(node['arguments'], node, inner, frame);
    return this.let(`rt.collapse(rt.apply(${procedure}, rt.checkArgs([${args.join(', ')}]), input, run, ${site.depth}))`);
  }

  private lambda(node: AstNode, site: Site, frame: string): string {
    const body = child(node['body'], 'lambda body', node);
    if (node['thunk'] === true) {
      if (body.type !== 'function') throw new Unsupported('a tail-call thunk around something other than a call', node);
      for (const key of Object.keys(body)) {
        if (body[key] !== undefined && !['type', 'value', 'position', 'procedure', 'arguments'].includes(key)) throw new Unsupported(`"${key}" on a tail call`, body);
      }
      const procedure = this.gen(child(body['procedure'], 'procedure', body), site, frame);
      const args = this.args(body['arguments'], body, site, frame);
      return this.let(`new rt.TailCall(${procedure}, [${args.join(', ')}])`);
    }
    if (!Array.isArray(node['arguments']) || !node['arguments'].every(isNode)) throw new Unsupported('unexpected arguments', node);
    const params = (node['arguments'] as AstNode[]).map((p) => {
      if (p.type !== 'variable' || typeof p.value !== 'string') throw new Unsupported('a lambda parameter', node);
      return p.value;
    });
    if (new Set(params).size !== params.length) throw new Unsupported('a lambda with a repeated parameter', node);
    const scope = new Scope(site.scope, params, [body]);
    // The body's own function; the definition is a runtime object the code refers to, its `sync` filled in by the factory.
    const code = { sync: undefined } as unknown as Code;
    const def: LambdaDef = { params: params.length, frameSize: scope.names.length, body: code };
    const fn = this.fn(body, { ...site, scope, depth: 1 });
    const ref = this.out.constant(def);
    this.bodies.push(`${ref}.body.sync = ${fn};`);
    return this.let(`new rt.Lambda(${ref}, input, ${frame})`);
  }
}
