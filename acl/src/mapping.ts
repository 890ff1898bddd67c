import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import type { z } from 'zod';
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
  /** Bound as `$now` (an ISO-8601 string) inside the expression. */
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
      const answer = toPlainJson(await run(subject, options.now));
      const checked = spec.output(answer).safeParse(answer);
      if (!checked.success) throw new AclOutputError(spec.name, toFieldIssues(checked.error));
      return answer as JsonValue;
    },
  };
}
