/**
 * The JavaScript source a mapping compiles to, built line by line. The rules that keep a mapping
 * from ever becoming code as it is written (../../STYLE.md; each has a test in
 * test/codegen-safety.test.ts) are enforced here, where the text is made:
 *
 * - a literal from a mapping enters only through `literal` (JSON.stringify, and only for values
 *   JSON writes back exactly: strings, booleans, null, finite numbers);
 * - identifiers are only ever made by `temp`, `label` and `constant`: a letter and a counter;
 * - no comment and no template literal is ever written, so no mapping text can end one.
 */
export class Source {
  private lines: string[] = [];
  private indent = 1;
  private temps = 0;
  /** Runtime objects the code refers to as `k[i]` (closure-compiled parts, lambda definitions, helpers). */
  readonly constants: unknown[] = [];
  /** Program-level `const t = k[i];` lines (`bound`), written before every function. */
  readonly prelude: string[] = [];
  private readonly boundNames = new Map<unknown, string>();

  /** A fresh local variable name, declared with `let` where it is first assigned. */
  temp(): string {
    return `t${this.temps++}`;
  }

  label(): string {
    return `b${this.temps++}`;
  }

  /** `k[i]` for a value the generated code needs but that is not source text. */
  constant(value: unknown): string {
    let index = this.constants.indexOf(value);
    if (index < 0) index = this.constants.push(value) - 1;
    return `k[${index}]`;
  }

  /**
   * A program-level constant holding `value` (`const t7 = k[3];`), so that a call through it has
   * one known target the compiler can inline, rather than a load from `k` at every call.
   */
  bound(value: unknown): string {
    let name = this.boundNames.get(value);
    if (name === undefined) {
      name = this.temp();
      this.boundNames.set(value, name);
      this.prelude.push(`const ${name} = ${this.constant(value)};`);
    }
    return name;
  }

  /** Starts collecting a new function's lines; answers what was being collected, for `end`. */
  begin(): { readonly lines: string[]; readonly indent: number } {
    const saved = { lines: this.lines, indent: this.indent };
    this.lines = [];
    this.indent = 1;
    return saved;
  }

  /** The lines of the function begun last, as text; collection goes back to `saved`. */
  end(saved: { readonly lines: string[]; readonly indent: number }): string {
    const text = this.lines.join('\n');
    this.lines = saved.lines;
    this.indent = saved.indent;
    return text;
  }

  /** One line; an empty text (a check a literal does not need) writes nothing. */
  line(text: string): void {
    if (text === '') return;
    this.lines.push('  '.repeat(this.indent) + text);
  }

  /** `head {`, the body, `}`. */
  block(head: string, body: () => void): void {
    this.line(`${head} {`);
    this.indent += 1;
    body();
    this.indent -= 1;
    this.line('}');
  }

}

/** Thrown when a value cannot be written as a JSON literal exactly (Infinity, -0...): the node is left to the closures. */
export class NotALiteral extends Error {}

/**
 * A mapping's literal as JavaScript source: JSON.stringify, and only what it writes back exactly.
 * JSON leaves U+2028 and U+2029 raw, which end a string literal in JavaScript before ES2019 (and
 * in some tools still): they are escaped too, and the text is still JSON.
 */
export function literal(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return JSON.stringify(value);
  throw new NotALiteral(`not a JSON literal: ${String(value)}`);
}
