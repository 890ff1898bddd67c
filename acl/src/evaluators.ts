import type jsonata from 'jsonata';
import { generateEvaluator, type GeneratedEvaluator } from './codegen/evaluator';
import { Bailout, compileEvaluator, refuseFunctions, type CompiledEvaluator } from './compiler/evaluator';
import { Handover } from './compiler/run';
import { AclMappingError, AclTimeoutError } from './errors';
import { GuardrailTrip, installGuardrails } from './guardrails';
import { describe, isJsonataFailure, locationOf } from './jsonata-failure';
import { LEGACY_BINDINGS, PLAIN_ANSWER_HELPERS } from './legacy-values';
import type { CompileContext } from './mapping';
import type { Yielder } from './output-check';
import { isPlainJson, toPlainJson, toPlainJsonSliced, type JsonValue } from './plain-json';

/** Names bound per call, in the order the compiled evaluators take their values. */
const CALL_BINDINGS = ['now', 'millis'];
/** What every mapping sees besides its own names (the tests compile with the same). */
export const GLOBALS = { helpers: LEGACY_BINDINGS, bindingNames: CALL_BINDINGS, plainHelpers: PLAIN_ANSWER_HELPERS };

export interface Evaluators {
  readonly engine: 'generated' | 'closures' | 'jsonata';
  /**
   * The answer as plain JSON, from the fastest evaluator that can give it, and this evaluation's
   * yielder: it lets the event loop go round when the current slice is over (between chunks of a long check).
   * Not a promise when the generated code answered (no microtask turn for the usual small document);
   * a throw then is the evaluation's failure, as a rejection would be.
   */
  run(input: unknown, now: Date, accept?: Acceptor): Evaluated | Promise<Evaluated>;
}

/**
 * Asked of the generated code's answer as it is: true when it is plain JSON its contract accepts
 * whole (output-check.ts, acceptsAsPlain), so that it needs neither a walk to make it plain nor
 * another check. Never asked of the other evaluators' answers.
 */
export type Acceptor = (raw: unknown) => boolean;

export interface Evaluated {
  readonly answer: JsonValue | undefined;
  readonly yielder: Yielder;
  /** The acceptor said yes: the answer is plain and its contract accepts it. */
  readonly accepted?: true;
}

/** A yielder whose first slice starts now. */
function newYielder(sliceMs: number): Yielder & { restart(): void } {
  let sliceStart = performance.now();
  const yielder = (): Promise<void> | undefined => {
    if (sliceMs <= 0 || performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resume) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resume();
      }),
    );
  };
  return Object.assign(yielder, { restart: () => void (sliceStart = performance.now()) });
}

/** The acceptor's answer; one that throws (a getter on a document object) has said nothing. */
function acceptSafely(accept: Acceptor, raw: unknown): boolean {
  try {
    return accept(raw);
  } catch {
    return false;
  }
}

function attempt<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch {
    // Unsupported (outside the subset), or EvalError where the process refuses to generate code.
    return undefined;
  }
}

/**
 * One mapping's evaluators, fastest first (acl/README.md, "Evaluation"): the JavaScript generated
 * from it, which runs small documents in one go; the closure compiler, which time-slices large ones
 * and is all a jitless process has; jsonata, for mappings outside the subset and for the documents
 * the others give up on (where jsonata raises an error, it raises the real one). A mapping is pure,
 * so the next evaluator starting the document over is safe.
 */
export function chooseEvaluators(name: string, expr: jsonata.Expression, context: CompileContext): Evaluators {
  const { limits, meter } = context;
  // The native helpers every mapping may call ($legacyMoney, $legacyInstant...): see legacy-values.ts.
  for (const [helper, fn] of Object.entries(LEGACY_BINDINGS)) expr.assign(helper, fn);
  installGuardrails(expr, limits, { meter });
  const closures: CompiledEvaluator | undefined = attempt(() => compileEvaluator(expr.ast(), GLOBALS));
  const generated: GeneratedEvaluator | undefined = context.jitless || closures === undefined ? undefined : attempt(() => generateEvaluator(expr.ast(), GLOBALS));

  type Slicer = ReturnType<typeof newYielder>;
  const timeout = (err: GuardrailTrip): AclTimeoutError => new AclTimeoutError(name, err.guardrail, err.limit);

  const viaJsonata = async (input: unknown, now: Date, yielder: Slicer): Promise<JsonValue | undefined> => {
    let answer: unknown;
    try {
      // `millis` is shadowed too: a mapping that reaches for the clock fails loudly instead of drifting.
      answer = await expr.evaluate(input, { now: now.toISOString(), millis: undefined });
    } catch (err) {
      if (err instanceof GuardrailTrip) throw timeout(err);
      if (isJsonataFailure(err)) throw new AclMappingError(name, locationOf(err), describe(err));
      throw new AclMappingError(name, { jsonataCode: undefined, position: undefined }, describe(err));
    }
    yielder.restart();
    return toPlainJsonSliced(answer, yielder);
  };

  const viaClosures = async (evaluator: CompiledEvaluator, input: unknown, bindings: unknown[], yielder: Slicer): Promise<{ answer: JsonValue | undefined } | undefined> => {
    try {
      const raw = await evaluator.evaluateRaw(input, bindings, limits, meter);
      // An evaluation longer than a slice lets the event loop go round before the answer is walked.
      yielder.restart();
      return { answer: await toPlainJsonSliced(raw, yielder, refuseFunctions) };
    } catch (err) {
      if (err instanceof GuardrailTrip) throw timeout(err);
      if (err instanceof Bailout) return undefined;
      throw err;
    }
  };

  const viaGenerated = (evaluator: GeneratedEvaluator, input: unknown, bindings: unknown[], yielder: Slicer, accept: Acceptor | undefined): { answer: JsonValue | undefined; accepted?: true } | 'handover' | undefined => {
    try {
      const raw = evaluator.evaluate(input, bindings, limits, meter);
      yielder.restart();
      if (accept !== undefined && acceptSafely(accept, raw)) return { answer: raw as JsonValue, accepted: true };
      return { answer: isPlainJson(raw) ? (raw as JsonValue) : toPlainJson(raw, refuseFunctions) };
    } catch (err) {
      if (err instanceof Handover) return 'handover';
      if (err instanceof GuardrailTrip) throw timeout(err);
      if (err instanceof Bailout) return undefined;
      throw err;
    }
  };

  return {
    engine: generated !== undefined ? 'generated' : closures !== undefined ? 'closures' : 'jsonata',
    run(input, now, accept) {
      const yielder = newYielder(limits.sliceMs);
      // `millis` is shadowed as on the jsonata path.
      const bindings = [now.toISOString(), undefined];
      const fast = generated === undefined ? 'handover' : viaGenerated(generated, input, bindings, yielder, accept);
      if (fast !== undefined && fast !== 'handover') return fast.accepted === true ? { answer: fast.answer, yielder, accepted: true } : { answer: fast.answer, yielder };
      return (async () => {
        if (fast === 'handover' && closures !== undefined) {
          const sliced = await viaClosures(closures, input, bindings, yielder);
          if (sliced !== undefined) return { answer: sliced.answer, yielder };
        }
        return { answer: await viaJsonata(input, now, yielder), yielder };
      })();
    },
  };
}
