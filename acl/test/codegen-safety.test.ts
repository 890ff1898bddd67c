import jsonata from 'jsonata';
import { generateEvaluator } from '../src/codegen/evaluator';
import { GLOBALS } from '../src/evaluators';
import { toPlainJson } from '../src/plain-json';
import { LIMITS, pair, viaJsonata, viaCompiled } from './compiled-kit';

/**
 * The rules for generated code (acl/README.md, "Generated code"; ../shared STYLE.md), one test
 * each, on the source the generator writes for mappings made to break them. The source is read
 * with a JavaScript parser (esprima, which jest's toolchain already carries), not with regexes.
 */

// esprima has no typings here: only the two calls used.
interface Token {
  readonly type: string;
  readonly value: string;
}
interface EsNode {
  readonly type: string;
  readonly [key: string]: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esprima = require('esprima') as { tokenize(code: string, options?: { comment?: boolean }): Token[]; parseScript(code: string, options?: { comment?: boolean }): EsNode & { comments?: unknown[] } };

const NOW = '2026-01-01T00:00:00.000Z';

/** The factory body as a parsable script (it ends in a `return`). */
const script = (source: string): string => `(function (rt, k) {\n${source}\n})`;
const sourceOf = (mapping: string): string => generateEvaluator(jsonata(mapping).ast(), GLOBALS).source;

function walk(node: unknown, visit: (n: EsNode, parent: EsNode | undefined, key: string) => void, parent?: EsNode, key = ''): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit, parent, key));
  if (typeof node !== 'object' || node === null || typeof (node as EsNode).type !== 'string') return;
  visit(node as EsNode, parent, key);
  for (const [k, v] of Object.entries(node)) if (k !== 'type') walk(v, visit, node as EsNode, k);
}

/** Text that would end a string, a comment or a template, or run code, if it ever reached the source as written. */
const HOSTILE = ['"); globalThis.pwned = 1; ("', "'); globalThis.pwned = 1; ('", '*/ globalThis.pwned = 1; /*', '// x\nglobalThis.pwned = 1', '`${globalThis.pwned = 1}`', '\\', '\u2028globalThis.pwned = 1\u2029', '</script>'];
const jsonataString = (text: string): string => JSON.stringify(text); // jsonata's string literals take JSON's escapes
const HOSTILE_MAPPING = `(
  $constructor := "c"; $rt := 1; $k := 2; $input := 3; $frame := 4; $run := 5; $eval := function($x) { $x };
  {
    ${HOSTILE.map((h, i) => `${jsonataString(h)}: ${jsonataString(h)} & \`${h.replace(/`/g, '')}\`${i === 0 ? '' : ''}`).join(',\n    ')},
    "vars": [$constructor, $rt, $k, $input, $frame, $run, $eval(6)]
  }
)`;

const INPUT = Object.fromEntries(HOSTILE.map((h) => [h.replace(/`/g, ''), h]));

describe('generated code', () => {
  afterEach(() => {
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it('lets every literal from a mapping into the source only through JSON.stringify', () => {
    const source = sourceOf(HOSTILE_MAPPING);
    const strings: string[] = [];
    walk(esprima.parseScript(script(source)), (n) => {
      if (n.type !== 'Literal' || typeof n['value'] !== 'string') return;
      strings.push(n['value']);
      // JSON.stringify's text, with the line and paragraph separators escaped (source.ts says why): still JSON.
      expect(n['raw']).toBe(JSON.stringify(n['value']).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
      expect(JSON.parse(n['raw'] as string)).toBe(n['value']);
    });
    for (const h of HOSTILE) expect(strings).toContain(h);
  });

  it('generates every identifier; none is copied from the mapping', () => {
    const source = sourceOf(HOSTILE_MAPPING);
    const GENERATED = /^[tb][0-9]+$/;
    // The factory's parameters and the runtime's own names, which no mapping supplies.
    const FIXED = new Set(['rt', 'k', 'input', 'frame', 'run', 'Array', 'isArray', 'undefined', 'sync', 'body', 'slots', 'parent', 'bindings', 'root', 'call', 'push',
      ...['UNBOUND', 'Lambda', 'TailCall', 'CompiledFn', 'newFrame', 'apply', 'trampoline', 'append', 'collapse', 'toBoolean', 'boolize', 'negate', 'hasOwn', 'OP', 'protoOf', 'name', 'bail', 'cons', 'createSequence', 'flattenStep', 'length'],
      // What the inline checks (codegen/checks.ts) and direct lambda calls (codegen/calls.ts) read.
      ...['sequence', 'outerWrapper', 'then', '_jsonata_function', '_jsonata_lambda', 'def', 'frame', 'tick', 'enter', 'leave']]);
    const seen = new Set<string>();
    walk(esprima.parseScript(script(source)), (n) => {
      if (n.type === 'Identifier') seen.add(n['name'] as string);
    });
    const copied = [...seen].filter((name) => !GENERATED.test(name) && !FIXED.has(name));
    expect(copied).toEqual([]);
    for (const name of ['constructor', 'eval', 'product', 'PRD_ID']) expect(seen.has(name)).toBe(false);
  });

  it('never reads a field of the input from the prototype: __proto__ and constructor are data or nothing', async () => {
    const mapping = '{"proto": __proto__, "ctor": constructor, "name": constructor.name, "str": toString, "has": hasOwnProperty, "deep": a.__proto__.polluted}';
    const p = pair(mapping);
    for (const input of [{}, JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "data", "a": {"__proto__": {"polluted": 2}}}') as unknown, [{}], { a: [] }]) {
      const expected = await viaJsonata(p, input);
      const raw = p.generated.evaluate(structuredClone(input), [NOW, undefined], LIMITS);
      expect({ value: toPlainJson(raw) }).toEqual(expected);
      expect(await viaCompiled(p, input)).toEqual(expected);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // A key `__proto__` in an object constructor is never written as an object literal key (that would set the prototype).
    const answer = toPlainJson(generateEvaluator(jsonata('{"__proto__": a}').ast(), GLOBALS).evaluate({ a: 1 }, [NOW, undefined], LIMITS));
    expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
    expect(await viaJsonata(pair('{"__proto__": a}'), { a: 1 })).toEqual({ value: answer });
  });

  it('never reads a field Object.prototype was given (pollution) or a prototype\'s getter; reads own fields of any object', () => {
    const evaluate = (input: unknown): unknown => toPlainJson(generateEvaluator(jsonata('{"v": injected, "w": a.injected}').ast(), GLOBALS).evaluate(input, [NOW, undefined], LIMITS));
    let getterCalls = 0;
    class Row {
      get injected(): string {
        getterCalls += 1;
        return 'from a getter';
      }
    }
    const bare = Object.assign(Object.create(null) as object, { injected: 'own, no prototype' });
    const proto = Object.prototype as { injected?: unknown };
    proto.injected = 'polluted';
    try {
      expect(evaluate({})).toEqual({});
      expect(evaluate({ a: {} })).toEqual({});
      expect(evaluate({ injected: 'own', a: { injected: 'own too' } })).toEqual({ v: 'own', w: 'own too' });
      expect(evaluate(new Row())).toEqual({});
      expect(evaluate({ a: new Row() })).toEqual({});
      expect(evaluate(bare)).toEqual({ v: 'own, no prototype' });
    } finally {
      delete proto.injected;
    }
    expect(getterCalls).toBe(0);
    // Unpolluted, the plain objects' fast read still finds only own fields.
    expect(evaluate({ a: { injected: 1 } })).toEqual({ w: 1 });
    expect(evaluate(new Row())).toEqual({});
    expect(getterCalls).toBe(0);
  });

  it('has no comment and no template literal, so no mapping text can end one; hostile text evaluates as jsonata evaluates it', async () => {
    const source = sourceOf(HOSTILE_MAPPING);
    const tokens = esprima.tokenize(script(source), { comment: true });
    expect(tokens.filter((t) => t.type === 'Template' || t.type === 'LineComment' || t.type === 'BlockComment')).toEqual([]);
    // Each hostile text is inside one string token, never split across tokens.
    const strings = tokens.filter((t) => t.type === 'String').map((t) => JSON.parse(t.value) as string);
    for (const h of HOSTILE) expect(strings).toContain(h);
    const p = pair(HOSTILE_MAPPING);
    const expected = await viaJsonata(p, INPUT);
    expect('value' in expected).toBe(true);
    expect({ value: toPlainJson(p.generated.evaluate(structuredClone(INPUT), [NOW, undefined], LIMITS)) }).toEqual(expected);
  });
});
