import type { Code } from '../compiler/apply';
import { checkFields, compileNode, nodes } from '../compiler/compile';
import { path as generalPath } from '../compiler/constructors';
import { Unsupported, type AstNode } from '../compiler/scope';
import type { Site } from '../compiler/site';
import { isFnObject } from './checks';
import type { Generator } from './generate';
import { literal } from './source';

/**
 * Paths written out (generate.ts): field paths inline, other paths through jsonata's general path
 * algorithm (constructors.ts) over steps that are generated functions.
 */
export function generatePath(g: Generator, node: AstNode, site: Site, inner: Site, frame: string): string {
  const steps = nodes(node['steps'], 'path steps', node);
  const first = steps[0];
  if (first === undefined) throw new Unsupported('an empty path', node);
  const lead = first.type === 'variable' && first.value !== '' ? 1 : 0;
  const names = steps.slice(lead);
  if (names.length === 0 || !names.every((s) => s.type === 'name' && typeof s.value === 'string')) {
    const bodies: string[] = [];
    const codes = steps.map((step) => {
      const code = { sync: undefined } as unknown as Code;
      const body = g.fn(step, inner);
      bodies.push(body);
      g.bodies.push(`${g.out.constant(code)}.sync = ${body};`);
      return code;
    });
    const general = generalPath(codes, first.type === 'variable', first['consarray'] === true);
    if (steps.length === 2 && lead === 0 && first.type === 'name' && names[1]?.type !== 'name') return g.collapse(nameThenStep(g, general, bodies, frame));
    return g.collapse(`${g.out.constant(general)}.sync(input, ${g.frames.value(frame)}, run)`);
  }
  for (const s of names) checkFields(s);
  const variable = lead === 1 ? g.gen(first, inner, frame) : undefined;
  return generateFieldPath(g, variable, names.map((s) => s.value as string), node, site, frame, false);
}

/**
 * `NAME.step` (`ROWS.$product($)`, a page's loop over its rows): constructors.ts's `path` for two
 * steps on one input, written out so that the loop calls the step's generated function directly
 * (no sequence of the rows, no dispatch per row). An array input takes the general path, as there.
 * Answers a temp holding the path's value, not collapsed.
 */
function nameThenStep(g: Generator, general: Code, [name, step]: string[], frame: string): string {
  const { out } = g;
  const r = out.temp();
  const a = out.temp();
  const label = out.label();
  out.line(`let ${r};`);
  out.block(`${label}:`, () => {
    out.line(`if (Array.isArray(input)) { ${r} = ${out.constant(general)}.sync(input, ${g.frames.value(frame)}, run); break ${label}; }`);
    out.line('run.tick();');
    out.line(`let ${a} = ${name}(input, ${g.frames.value(frame)}, run);`);
    out.line(`if (${a} === undefined) break ${label};`);
    out.block(`if (Array.isArray(${a}))`, () => {
      // flattenStep(createSequence(a), false) is a's items (a itself when it is a constructed array); none: that empty sequence.
      const items = out.temp();
      const seq = out.temp();
      const nested = out.temp();
      const v = out.temp();
      const each = out.temp();
      out.line(`let ${items} = ${a}.cons === true ? [${a}] : ${a};`);
      out.line(`if (${items}.length === 0) { ${r} = rt.createSequence(); break ${label}; }`);
      out.line(`let ${seq} = rt.createSequence();`);
      out.line(`let ${nested} = false;`);
      out.block(`for (let ${v} = 0; ${v} < ${items}.length; ${v}++)`, () => {
        out.line('run.tick();');
        out.line(`let ${each} = ${step}(${items}[${v}], ${g.frames.value(frame)}, run);`);
        out.line(`if (${each} === undefined) continue;`);
        out.line(`if (Array.isArray(${each})) ${nested} = true;`);
        out.line(`${seq}.push(${each});`);
      });
      // flattenStep(seq, true) copies a sequence of non-arrays as it is: only arrays among the results need it.
      out.line(`${r} = ${nested} ? rt.flattenStep(${seq}, true) : ${seq};`);
      out.line(`break ${label};`);
    });
    out.line('run.tick();');
    out.line(`${r} = ${step}(${a}, ${g.frames.value(frame)}, run);`);
    out.line(`if (Array.isArray(${r})) ${r} = rt.flattenStep(rt.createSequence(${r}), true);`);
  });
  return r;
}

/**
 * fieldPath (field-path.ts) inline: while each step meets one object and finds one value that is
 * not an array, that value; at the first array the closure compiler's general path takes over.
 * A field is read only when it is the object's own: hasOwnProperty says so, or the object is plain
 * (its prototype Object.prototype, looked up once per object with the memo) and Object.prototype
 * has no such field, so that whatever the read finds is the object's own (a third of the cost of
 * asking hasOwnProperty for each of a row's fields). Never the prototype's.
 * `single`: a lone name step (`PAGE`), which collapses what it finds.
 */
export function generateFieldPath(g: Generator, variable: string | undefined, keys: readonly string[], node: AstNode, site: Site, frame: string, single: boolean): string {
  const { out } = g;
  const r = out.temp();
  const t = out.temp();
  const label = out.label();
  const general = `${out.constant(compileNode(node, site))}.sync(input, ${g.frames.value(frame)}, run)`;
  out.line(`let ${r};`);
  out.block(`${label}:`, () => {
    out.line(`let ${t} = ${variable ?? 'input'};`);
    if (variable !== undefined) out.line(`if (${t} === undefined) break ${label};`);
    out.line(`if (Array.isArray(${t})) { ${r} = ${general}; break ${label}; }`);
    keys.forEach((key, i) => {
      const k = literal(key);
      out.line(`if (${t} === null || typeof ${t} !== "object") break ${label};`);
      out.line(`if (${t} !== ${g.memo}) { if (${isFnObject(t)}) break ${label}; ${g.memo} = ${t}; ${g.plain} = rt.protoOf(${t}) === rt.OP; }`);
      // Own, or else undefined: the object's only prototype is Object.prototype, which has no such field.
      out.line(`if (!(${g.plain} && rt.OP[${k}] === undefined) && !rt.hasOwn.call(${t}, ${k})) break ${label};`);
      out.line(`${t} = ${t}[${k}];`);
      out.line(`if (${t} === undefined) break ${label};`);
      // An array the last step finds is the answer as it is (jsonata's evaluateStep: one result, an
      // array, not a sequence); any other array is the general path's.
      const found = single ? `rt.collapse(${t})` : i === keys.length - 1 ? `${t}.sequence === true ? ${general} : ${t}` : general;
      out.line(`if (Array.isArray(${t})) { ${r} = ${found}; break ${label}; }`);
    });
    out.line(`${r} = ${t};`);
  });
  return r;
}
