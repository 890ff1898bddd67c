import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import jsonata from 'jsonata';
import { generateEvaluator, type GeneratedEvaluator } from '../src/codegen/evaluator';
import { Bailout, compileEvaluator, refuseFunctions, type CompiledEvaluator } from '../src/compiler/evaluator';
import { GuardrailTrip } from '../src/guardrails';
import type { GuardrailLimits } from '../src/guardrails';
import { GLOBALS } from '../src/evaluators';
import { LEGACY_BINDINGS } from '../src/legacy-values';
import { isPlainJson, toPlainJson } from '../src/plain-json';
import { MAPPINGS } from '../src/registry';
import { ACL_ROOT, filesUnder } from './kit';

export const LIMITS: GuardrailLimits = { timeoutMs: 5000, maxDepth: 300, sliceMs: 2 };
const NOW = '2026-01-01T00:00:00.000Z';

/** One expression, evaluated both ways exactly as mapping.ts evaluates it (helpers, `$now`, `$millis` shadowed). */
export interface Pair {
  readonly jsonata: jsonata.Expression;
  readonly compiled: CompiledEvaluator;
  /** The same AST generated to JavaScript source (the default evaluator), held to the closures and so to jsonata. */
  readonly generated: GeneratedEvaluator;
}


export function pair(source: string): Pair {
  const expr = jsonata(source);
  for (const [name, helper] of Object.entries(LEGACY_BINDINGS)) expr.assign(name, helper);
  const compiled = compileEvaluator(expr.ast(), GLOBALS);
  return { jsonata: expr, compiled, generated: generateEvaluator(expr.ast(), GLOBALS) };
}

/**
 * The generated evaluator's outcome, made plain as evaluators.ts makes it (no copy when isPlainJson
 * says the answer already is; the copy's equality to the answer is then checked too).
 */
export function viaGenerated(p: Pair, input: unknown): Outcome {
  try {
    const raw = p.generated.evaluate(structuredClone(input), [NOW, undefined], LIMITS);
    if (isPlainJson(raw) && !isDeepStrictEqual(raw, toPlainJson(raw))) return { error: new Error('isPlainJson said plain, toPlainJson changed it') };
    return { value: isPlainJson(raw) ? raw : toPlainJson(raw, refuseFunctions) };
  } catch (error) {
    return error instanceof Bailout ? { bailout: error.reason } : { error };
  }
}

/** The generated evaluator against the closures: the same value, the same bail-out (reason aside), or the same guardrail. */
export function generatedDisagreement(p: Pair, input: unknown, closures: Outcome): string | undefined {
  const generated = viaGenerated(p, input);
  if ('value' in closures && 'value' in generated && isDeepStrictEqual(closures.value, generated.value)) return undefined;
  if ('bailout' in closures && 'bailout' in generated) return undefined;
  if ('error' in closures && 'error' in generated && closures.error instanceof GuardrailTrip && generated.error instanceof GuardrailTrip) return undefined;
  const show = (o: Outcome): string => ('value' in o ? `value ${JSON.stringify(o.value)}` : 'bailout' in o ? `bail-out (${o.bailout})` : `error ${String(o.error)}`);
  return `input ${JSON.stringify(input)}: closures ${show(closures)}, generated ${show(generated)}`;
}

export type Outcome = { readonly value: unknown } | { readonly error: unknown } | { readonly bailout: string };

export async function viaJsonata(p: Pair, input: unknown): Promise<Outcome> {
  try {
    return { value: toPlainJson(await p.jsonata.evaluate(structuredClone(input), { now: NOW, millis: undefined })) };
  } catch (error) {
    return { error };
  }
}

export async function viaCompiled(p: Pair, input: unknown): Promise<Outcome> {
  try {
    return { value: await p.compiled.evaluate(structuredClone(input), [NOW, undefined], LIMITS) };
  } catch (error) {
    return error instanceof Bailout ? { bailout: error.reason } : { error };
  }
}

/**
 * Bail-outs allowed where jsonata answers: jsonata pushes `undefined` into an empty array that an
 * object constructor runs on, the document's own arrays included; the compiled evaluator leaves
 * such a document to it rather than mutate the input (`{"lines": [[]]}`, which the input schema
 * refuses before create-to-legacy runs anyway).
 */
const KNOWN_BAILOUTS = ['an object constructor on an empty sequence'];

/**
 * Why the two evaluators disagree on `input`, or undefined when they agree: the same value, or a
 * compiled bail-out where jsonata raises an error. With `mustCompile`, a bail-out where jsonata
 * answers is a disagreement too (the fast path must cover it), except for KNOWN_BAILOUTS.
 */
export async function disagreement(p: Pair, input: unknown, mustCompile: boolean): Promise<string | undefined> {
  const [expected, actual] = [await viaJsonata(p, input), await viaCompiled(p, input)];
  const generated = generatedDisagreement(p, input, actual);
  if (generated !== undefined) return generated;
  const show = (o: Outcome): string => ('value' in o ? `value ${JSON.stringify(o.value)}` : 'bailout' in o ? `bail-out (${o.bailout})` : `error ${String((o.error as { code?: string }).code ?? o.error)}`);
  if ('value' in expected && 'value' in actual && isDeepStrictEqual(expected.value, actual.value)) return undefined;
  if ('error' in expected && 'bailout' in actual) return undefined;
  if ('value' in expected && 'bailout' in actual && (!mustCompile || KNOWN_BAILOUTS.includes(actual.bailout))) return undefined;
  return `input ${JSON.stringify(input)}: jsonata ${show(expected)}, compiled ${show(actual)}`;
}

/** Inputs around `input`: each field missing, null, wrapped in one- and two-item arrays, empty array, wrong types. */
export function edgeVariants(input: unknown): unknown[] {
  const out: unknown[] = [null, [], [input], 'text', 0, true, {}];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return out;
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const without = { ...record };
    delete without[key];
    out.push(without);
    for (const variant of [null, [value], [value, value], [], 42, 'x', {}, { [key]: value }]) out.push({ ...record, [key]: variant });
    if (Array.isArray(value) && value.length > 0) {
      const [first] = value;
      out.push({ ...record, [key]: first }, { ...record, [key]: [[first]] }, { ...record, [key]: [first, null] });
      for (const inner of edgeVariants(first).slice(7)) out.push({ ...record, [key]: [inner] });
    }
  }
  return out;
}

/** A shipped mapping's jsonata source, by name (`catalog/product-read`). */
export function mappingSource(name: string): string {
  return readFileSync(path.join(ACL_ROOT, (MAPPINGS.get(name) as { file: string }).file), 'utf8');
}

/**
 * The generated code's answers (as it makes them, not yet plain) to every fixture input of a
 * shipped mapping and to the edge variants around each; inputs it bails out on are left out.
 */
export function fixtureAnswers(name: string): unknown[] {
  const p = pair(mappingSource(name));
  const dir = path.join(ACL_ROOT, name.split('/')[0] as string, 'fixtures', name.split('/')[1] as string);
  const inputs = filesUnder(dir, '.json').map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { input: unknown }).input);
  const answers: unknown[] = [];
  for (const input of inputs.flatMap((i) => [i, ...edgeVariants(i)])) {
    const out = viaGenerated(p, input);
    if ('value' in out) answers.push(out.value);
  }
  return answers;
}
