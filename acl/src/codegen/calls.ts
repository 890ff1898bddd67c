import type { Code, LambdaDef } from '../compiler/apply';
import { checkFields, child } from '../compiler/compile';
import { isNode, Scope, Unsupported, type AstNode } from '../compiler/scope';
import type { Site } from '../compiler/site';
import { staticHelper } from '../compiler/variables';
import { collapseInPlace, helperAnswerCheck, helperArgCheck, markedArgCheck } from './checks';
import type { Generator } from './generate';

/** A lambda the program defines: its definition (a constant), the generated body's name and its frame's layout. */
export interface KnownLambda {
  readonly def: string;
  readonly body: string;
  readonly params: number;
  readonly frameSize: number;
  /** Its body takes the arguments themselves and its caller's frame, and makes a frame only when it needs one (Generator.fn). */
  readonly frameless: boolean;
}

/** Calls (generate.ts): native helpers called straight, known lambdas called directly, the rest through rt.apply. */
export function generateCall(g: Generator, node: AstNode, site: Site, frame: string): string {
  const { out } = g;
  const inner: Site = { ...site, depth: site.depth + 1 };
  const procedureNode = child(node['procedure'], 'procedure', node);
  const helper = procedureNode['predicate'] === undefined ? staticHelper(procedureNode, site.scope, site.globals) : undefined;
  if (helper !== undefined) {
    // As helperCall: the procedure is known; each argument is checked as it is evaluated.
    checkFields(procedureNode);
    const args = ((node['arguments'] as AstNode[] | undefined) ?? []).map((a) => {
      if (!isNode(a)) throw new Unsupported('unexpected arguments', node);
      const v = g.gen(a, inner, frame);
      out.line(helperArgCheck(v));
      return v;
    });
    if (!Array.isArray(node['arguments'])) throw new Unsupported('unexpected arguments', node);
    // A plain helper (Globals.plainHelpers) is called directly, and its answer needs no check.
    if (site.globals.plainHelpers?.has(helper) === true) return g.done(g.let(`${out.bound(helper)}(${args.join(', ')})`));
    const r = g.let(`${out.constant(helper)}.call(input${args.map((a) => `, ${a}`).join('')})`);
    out.line(helperAnswerCheck(r));
    out.line(collapseInPlace(r));
    return g.done(r);
  }
  const procedure = g.gen(procedureNode, inner, frame);
  const args = g.args(node['arguments'], node, inner, frame);
  for (const a of args) out.line(markedArgCheck(a));
  const known = procedureNode.type === 'variable' && procedureNode['predicate'] === undefined ? g.lambdas.get(String(procedureNode.value)) : undefined;
  const r = out.temp();
  out.line(`let ${r};`);
  if (known !== undefined) {
    // rt.apply for the lambda this name was bound to, written out: no argument array, no dispatch, the body called by name.
    const p = procedure;
    out.block(`if (${p} instanceof rt.Lambda && ${p}.def === ${known.def})`, () => {
      out.line('run.tick();');
      out.line(`run.enter(${site.depth});`);
      const slots = Array.from({ length: known.frameSize }, (_, i) => (i < known.params ? (args[i] ?? 'undefined') : 'rt.UNBOUND'));
      if (known.frameless) out.line(`${r} = ${known.body}(${p}.input, ${p}.frame, run${slots.map((a) => `, ${a}`).join('')});`);
      else out.line(`${r} = ${known.body}(${p}.input, ${known.frameSize === 0 ? `${p}.frame` : `{ slots: [${slots.join(', ')}], parent: ${p}.frame }`}, run);`);
      out.line(`if (${r} instanceof rt.TailCall) ${r} = rt.trampoline(${r}, input, run);`);
      out.line(`run.leave(${site.depth});`);
    });
    out.block('else', () => out.line(`${r} = rt.apply(${procedure}, [${args.join(', ')}], input, run, ${site.depth});`));
  } else {
    out.line(`${r} = rt.apply(${procedure}, [${args.join(', ')}], input, run, ${site.depth});`);
  }
  out.line(collapseInPlace(r));
  return g.done(r);
}

export function generateLambda(g: Generator, node: AstNode, site: Site, frame: string): string {
  const { out } = g;
  const body = child(node['body'], 'lambda body', node);
  if (node['thunk'] === true) {
    if (body.type !== 'function') throw new Unsupported('a tail-call thunk around something other than a call', node);
    for (const key of Object.keys(body)) {
      if (body[key] !== undefined && !['type', 'value', 'position', 'procedure', 'arguments'].includes(key)) throw new Unsupported(`"${key}" on a tail call`, body);
    }
    const procedure = g.gen(child(body['procedure'], 'procedure', body), site, frame);
    const args = g.args(body['arguments'], body, site, frame);
    return g.let(`new rt.TailCall(${procedure}, [${args.join(', ')}])`);
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
  // Parameters only, none reassigned: the body makes its frame only if it needs one (Generator.fn).
  const frameless = params.length > 0 && scope.names.length === params.length && scope.assigned.size === 0;
  const fn = g.fn(body, { ...site, scope, depth: 1 }, frameless);
  const ref = out.constant(def);
  // rt.apply and the trampoline call `body.sync(input, frame, run)` with the whole frame: a frameless body is handed its parts.
  const unpacked = params.map((_, i) => `, frame.slots[${i}]`).join('');
  g.bodies.push(frameless ? `${ref}.body.sync = function (input, frame, run) { return ${fn}(input, frame.parent, run${unpacked}); };` : `${ref}.body.sync = ${fn};`);
  const t = g.done(g.let(`new rt.Lambda(${ref}, input, ${g.frames.value(frame)})`));
  g.lambdaTemps.set(t, { def: ref, body: fn, params: params.length, frameSize: scope.names.length, frameless });
  return t;
}
