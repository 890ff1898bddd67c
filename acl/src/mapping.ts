import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import type { z } from 'zod';
import { compileEvaluator, type CompiledEvaluator } from './compiler/evaluator';
import { AclCompileError, AclInputError, AclMappingError, AclOutputError, AclTimeoutError, type JsonataLocation } from './errors';
import { GuardrailTrip, installGuardrails, type GuardrailLimits } from './guardrails';
import { toFieldIssues } from './issues';
import { LEGACY_BINDINGS } from './legacy-values';
import { toPlainJson, type JsonValue } from './plain-json';

/** What the registry knows of one mapping. */
export interface MappingSpec {
  /** `<context>/<mapping>`, e.g. `catalog/product-read`. */
  readonly name: string;
  /** The .jsonata file, relative to the ACL root. */
  readonly file: string;
  /** When set, the input must fit it before the mapping runs (client bodies on the write path). */
  readonly input?: z.ZodType;
  /** The schema the answer must fit, chosen from the answer's shape (a read may answer one item or a page). */
  readonly output: (answer: JsonValue | undefined) => z.ZodType;
}

/** Per-call values; the request time is passed in, never read by a mapping. */
export interface EvaluateOptions {
  /** Bound as `$now` inside the expression, as `toISOString()` (UTC, milliseconds): the time of the request being translated. */
  readonly now: Date;
}

/** A compiled mapping, ready to run many times. */
export interface AclMapping {
  readonly name: string;
  readonly file: string;
  /** Maps one parsed JSON document; rejects with an AclInputError, AclMappingError, AclTimeoutError or AclOutputError. */
  evaluate(input: unknown, options: EvaluateOptions): Promise<JsonValue>;
}

/** A jsonata failure as jsonata throws it: a plain object, not an Error. */
interface JsonataFailure {
  readonly code: string;
  readonly position?: number;
  readonly message?: string;
}

function isJsonataFailure(err: unknown): err is JsonataFailure {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

function locationOf(err: JsonataFailure): JsonataLocation {
  return { jsonataCode: err.code, position: typeof err.position === 'number' ? err.position : undefined };
}

function describe(err: unknown): string {
  if (err instanceof Error || isJsonataFailure(err)) return err.message ?? 'unknown error';
  return String(err);
}

function compile(spec: MappingSpec, source: string): jsonata.Expression {
  try {
    return jsonata(source);
  } catch (err) {
    const location = isJsonataFailure(err) ? locationOf(err) : { jsonataCode: undefined, position: undefined };
    throw new AclCompileError(spec.name, spec.file, location, describe(err));
  }
}

/** Names bound per call, in the order the compiled evaluator takes their values. */
const CALL_BINDINGS = ['now', 'millis'];

/**
 * The mapping compiled to closures, or undefined when it uses something outside the compiled subset
 * (acl/README.md, "Evaluation"): such a mapping runs on jsonata's evaluator only.
 */
function compileFast(expr: jsonata.Expression): CompiledEvaluator | undefined {
  try {
    return compileEvaluator(expr.ast(), { helpers: LEGACY_BINDINGS, bindingNames: CALL_BINDINGS });
  } catch {
    return undefined;
  }
}

/** Reads and compiles a mapping once; a file that is missing or does not parse fails here, at load. */
export function compileMapping(spec: MappingSpec, root: string, limits: GuardrailLimits): AclMapping {
  let source: string;
  try {
    source = readFileSync(path.join(root, spec.file), 'utf8');
  } catch (err) {
    throw new AclCompileError(spec.name, spec.file, { jsonataCode: undefined, position: undefined }, describe(err));
  }
  const expr = compile(spec, source);
  // The native helpers every mapping may call ($legacyMoney, $legacyInstant...): see legacy-values.ts.
  for (const [name, helper] of Object.entries(LEGACY_BINDINGS)) expr.assign(name, helper);
  installGuardrails(expr, limits);
  const fast = compileFast(expr);

  /**
   * The compiled evaluator's answer, or undefined when it bails out and jsonata must answer instead.
   * An evaluation longer than a slice lets the event loop go round once more before the schema
   * check, which cannot be sliced (a few ms for thousands of items): the two then never add up.
   */
  const runFast = async (evaluator: CompiledEvaluator, input: unknown, now: Date): Promise<{ answer: JsonValue | undefined } | undefined> => {
    try {
      const started = performance.now();
      // `millis` is shadowed as on the jsonata path.
      const answer = await evaluator.evaluate(input, [now.toISOString(), undefined], limits);
      if (limits.sliceMs > 0 && performance.now() - started >= limits.sliceMs) await new Promise((resume) => setImmediate(resume));
      return { answer };
    } catch (err) {
      if (err instanceof GuardrailTrip) throw new AclTimeoutError(spec.name, err.guardrail, err.limit);
      return undefined; // a Bailout (jsonata raises the real error, or answers what the subset does not model)
    }
  };

  const run = async (input: unknown, now: Date): Promise<unknown> => {
    try {
      // `millis` is shadowed too: a mapping that reaches for the clock fails loudly instead of drifting.
      return await expr.evaluate(input, { now: now.toISOString(), millis: undefined });
    } catch (err) {
      if (err instanceof GuardrailTrip) throw new AclTimeoutError(spec.name, err.guardrail, err.limit);
      if (isJsonataFailure(err)) throw new AclMappingError(spec.name, locationOf(err), describe(err));
      throw new AclMappingError(spec.name, { jsonataCode: undefined, position: undefined }, describe(err));
    }
  };

  return {
    name: spec.name,
    file: spec.file,
    async evaluate(input, options) {
      let subject = input;
      if (spec.input !== undefined) {
        const checked = spec.input.safeParse(input);
        if (!checked.success) throw new AclInputError(spec.name, toFieldIssues(checked.error));
        subject = checked.data;
      }
      const compiled = fast === undefined ? undefined : await runFast(fast, subject, options.now);
      const answer = compiled === undefined ? toPlainJson(await run(subject, options.now)) : compiled.answer;
      const checked = spec.output(answer).safeParse(answer);
      if (!checked.success) throw new AclOutputError(spec.name, toFieldIssues(checked.error));
      return answer as JsonValue;
    },
  };
}
