import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import type { z } from 'zod';
import type { CpuMeter } from './cpu-meter';
import { AclCompileError, AclInputError } from './errors';
import { chooseEvaluators, type Evaluated, type Evaluators } from './evaluators';
import { type GuardrailLimits } from './guardrails';
import { toFieldIssues } from './issues';
import { describe, isJsonataFailure, locationOf } from './jsonata-failure';
import { acceptsAsPlain, checkAnswer, type ContractCheck, type DroppedItem, type ItemPolicy } from './output-check';
import type { JsonValue } from './plain-json';

/** What the registry knows of one mapping. */
export interface MappingSpec {
  /** `<context>/<mapping>`, e.g. `catalog/product-read`. */
  readonly name: string;
  /** The .jsonata file, relative to the ACL root. */
  readonly file: string;
  /** When set, the input must fit it before the mapping runs (client bodies on the write path). */
  readonly input?: z.ZodType;
  /**
   * The schema the answer must fit, chosen from the answer's shape (a read may answer one item or a
   * page). Absent: the answer is only made plain JSON (`baseline/identity`).
   */
  readonly output?: (answer: JsonValue | undefined) => z.ZodType;
  /** Every schema `output` may choose: their validators are compiled at load (any other on first use). */
  readonly schemas?: readonly z.ZodType[];
  /**
   * A page's items that its schema refuses: `fail` (the default) refuses the whole page, `drop`
   * leaves them out, counted and reported with their key and reason (acl/README.md, "Lists").
   */
  readonly items?: ItemPolicy;
  /** The legacy page's list and the field that keys each row, for the dropped rows' report: `{ list: 'ROWS', key: 'PRD_ID' }`. */
  readonly rows?: { readonly list: string; readonly key: string };
}

/** Per-call values; the request time is passed in, never read by a mapping. */
export interface EvaluateOptions {
  /** Bound as `$now` inside the expression, as `toISOString()` (UTC, milliseconds): the time of the request being translated. */
  readonly now: Date;
}

/** A translated document, with the page items a `drop` policy left out (empty for every other mapping). */
export interface Translation {
  readonly value: JsonValue;
  readonly dropped: readonly DroppedItem[];
}

/** A compiled mapping, ready to run many times. */
export interface AclMapping {
  readonly name: string;
  readonly file: string;
  /** What runs it: JavaScript generated from the mapping, the closure compiler (jitless) or jsonata alone (outside the subset). */
  readonly engine: 'generated' | 'closures' | 'jsonata';
  /** Maps one parsed JSON document; rejects with an AclInputError, AclMappingError, AclTimeoutError or AclOutputError. */
  evaluate(input: unknown, options: EvaluateOptions): Promise<JsonValue>;
  /** As `evaluate`, also naming the page items the mapping's `drop` policy left out. */
  translate(input: unknown, options: EvaluateOptions): Promise<Translation>;
}

/** What every mapping of one ACL shares. */
export interface CompileContext {
  readonly root: string;
  readonly limits: GuardrailLimits;
  /** No generated code: the closure compiler and zod (acl/README.md, "Jitless"). */
  readonly jitless: boolean;
  readonly meter: CpuMeter;
  /** The validators of a target schema, compiled once per schema and ACL. */
  readonly contract: (schema: z.ZodType) => ContractCheck;
}

function compile(spec: MappingSpec, source: string): jsonata.Expression {
  try {
    return jsonata(source);
  } catch (err) {
    const location = isJsonataFailure(err) ? locationOf(err) : { jsonataCode: undefined, position: undefined };
    throw new AclCompileError(spec.name, spec.file, location, describe(err));
  }
}

/** A page's legacy rows, when the spec names them and the input has them. */
function rowsOf(spec: MappingSpec, input: unknown): readonly unknown[] | undefined {
  if (spec.rows === undefined || typeof input !== 'object' || input === null || !Object.prototype.hasOwnProperty.call(input, spec.rows.list)) return undefined;
  const rows = (input as Record<string, unknown>)[spec.rows.list];
  return Array.isArray(rows) ? rows : undefined;
}

/** Reads and compiles a mapping once; a file that is missing or does not parse fails here, at load. */
export function compileMapping(spec: MappingSpec, context: CompileContext): AclMapping {
  let source: string;
  try {
    source = readFileSync(path.join(context.root, spec.file), 'utf8');
  } catch (err) {
    throw new AclCompileError(spec.name, spec.file, { jsonataCode: undefined, position: undefined }, describe(err));
  }
  const evaluators: Evaluators = chooseEvaluators(spec.name, compile(spec, source), context);
  for (const schema of spec.schemas ?? []) context.contract(schema);
  const policy = spec.items ?? 'fail';

  const output = spec.output;
  // The generated code's answer checked as it is, plainness and contract in one walk (output-check.ts).
  const accept = output === undefined ? undefined : (raw: unknown): boolean => acceptsAsPlain(raw, context.contract(output(raw as JsonValue)));

  const finish = (subject: unknown, { answer, yielder, accepted }: Evaluated): Translation | Promise<Translation> => {
    if (spec.output === undefined || accepted === true) return { value: answer ?? null, dropped: [] };
    const check = context.contract(spec.output(answer));
    return checkAnswer(spec.name, answer, check, policy, { rows: rowsOf(spec, subject), key: spec.rows?.key }, yielder);
  };

  // Synchronous as far as the document allows (evaluators.ts, output-check.ts): a small page is one promise, settled.
  const translateNow = (input: unknown, options: EvaluateOptions): Translation | Promise<Translation> => {
    let subject = input;
    if (spec.input !== undefined) {
      const checked = spec.input.safeParse(input);
      if (!checked.success) throw new AclInputError(spec.name, toFieldIssues(checked.error));
      subject = checked.data;
    }
    const evaluated = evaluators.run(subject, options.now, accept);
    return evaluated instanceof Promise ? evaluated.then((e) => finish(subject, e)) : finish(subject, evaluated);
  };

  const translate = (input: unknown, options: EvaluateOptions): Promise<Translation> => {
    try {
      return Promise.resolve(translateNow(input, options));
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const evaluate = (input: unknown, options: EvaluateOptions): Promise<JsonValue> => {
    try {
      const done = translateNow(input, options);
      return done instanceof Promise ? done.then((t) => t.value) : Promise.resolve(done.value);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  return { name: spec.name, file: spec.file, engine: evaluators.engine, translate, evaluate };
}
