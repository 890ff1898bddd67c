import { Unsupported, type AstNode, type Scope } from '../compiler/scope';
import type { Site } from '../compiler/site';
import { resolveGlobal } from '../compiler/variables';
import type { Generator } from './generate';
import { literal } from './source';

/** The innermost scope that binds `name`: the one a reference to it reads first. */
export function ownerOf(scope: Scope | undefined, name: string): Scope | undefined {
  for (let s = scope; s !== undefined; s = s.parent) if (s.names.includes(name)) return s;
  return undefined;
}

/** `$name`, `$`, `$$`: the value, not collapsed (as compileVariable). */
export function generateVariable(g: Generator, node: AstNode, site: Site, frame: string): string {
  const name = node.value;
  if (typeof name !== 'string') throw new Unsupported('a variable without a name', node);
  // `$`: jsonata's `input && input.outerWrapper ? input[0] : input`, written here so the load sees one shape (checks.ts).
  if (name === '') return g.let(`(input && input.outerWrapper ? input[0] : input)`);
  const slots = site.scope.resolve(name);
  const global = resolveGlobal(name, site.globals);
  if (global === undefined && slots.length === 0) throw new Unsupported(`$${name} (a jsonata built-in the compiled evaluator does not run)`, node);
  const first = slots[0];
  // A parameter is always bound (a call sets it, to undefined at worst): nothing further out is asked.
  if (first !== undefined && first.param) return g.let(g.frames.slot(frame, first.hops, first.slot));
  const fallback =
    global === undefined ? `rt.bail(${literal(`a variable reached jsonata's own built-in`)})`
    : global.kind === 'root' ? 'run.root'
    : global.kind === 'binding' ? `run.bindings[${global.index}]`
    : global.value === undefined ? 'undefined' : g.out.constant(global.value);
  const t = g.out.temp();
  g.out.line(`let ${t};`);
  const label = g.out.label();
  g.out.block(`${label}:`, () => {
    for (const { hops, slot } of slots) {
      g.out.line(`${t} = ${g.frames.slot(frame, hops, slot)};`);
      g.out.line(`if (${t} !== rt.UNBOUND) break ${label};`);
    }
    g.out.line(`${t} = ${fallback};`);
  });
  return t;
}
