import type { CompiledRoute } from '../config/table';
import { isJson } from '../http/body';
import { TranslationError, type TranslationMapping } from '../config/mapping';
import { diffAnswers, type DiffAnswer } from './diff';
import type { CallResult, CalledAnswer } from './shadow-call';
import type { ComparedAnswer, SampledRequest, ShadowOutcome } from './types';

export interface ShadowAnswers {
  readonly legacy: CallResult;
  readonly fresh: CallResult;
  /** A second legacy answer, when this request was sampled for noise. */
  readonly noise: CallResult | null;
}

/** Thrown when an answer cannot be brought to the new model; the outcome is a compare error naming the mapping and the field. */
class ModelError extends Error {
  constructor(
    message: string,
    readonly failure: { readonly mapping: string; readonly path: string; readonly message: string },
  ) {
    super(message);
  }
}

/**
 * Brings both answers to one model (legacy's through the route's ACL mapping, new's through its
 * own if it has one) and diffs them; with a second legacy answer, diffs legacy against itself to
 * learn the noise. Each answer is translated at its own request time (`requestedAt`), so a field
 * the mapping stamps from it (a page's `generatedAt`) differs between two legacy reads as it does
 * for two clients. Every failure is an outcome, never an exception into the caller.
 */
export async function compareAnswers(route: CompiledRoute, request: SampledRequest, answers: ShadowAnswers): Promise<ShadowOutcome> {
  const routeId = route.id;
  const shadow = route.shadow;
  if (!shadow) return { kind: 'compare-error', routeId, detail: 'route has no shadow configuration' };
  // Only the copy can have failed (a failed primary is never compared): the new side's, or in a
  // reverse shadow legacy's, which must not count against the new service.
  if (!answers.fresh.ok) return { kind: answers.fresh.timeout ? 'new-timeout' : 'new-error', routeId, ms: answers.fresh.ms, detail: answers.fresh.detail };
  if (!answers.legacy.ok) return { kind: answers.legacy.timeout ? 'legacy-timeout' : 'legacy-error', routeId, ms: answers.legacy.ms, detail: answers.legacy.detail };
  try {
    const legacyMaps = mappingsOf(route.legacy);
    const freshMaps = mappingsOf(route.new);
    const first = answers.legacy.answer;
    const legacyMapping = pick(first, legacyMaps);
    const legacy = await toModel(first, legacyMapping);
    const fresh = await sameOrOwnModel(legacy, first, answers.fresh.answer, legacyMapping, pick(answers.fresh.answer, freshMaps));
    const view = viewer(legacy, fresh, legacyMaps);
    const differences = diffAnswers(view(legacy, fresh), view(fresh, legacy), shadow.diff).differences;
    let noise = null;
    if (answers.noise?.ok) {
      const second = await sameOrOwnModel(legacy, first, answers.noise.answer, legacyMapping, pick(answers.noise.answer, legacyMaps));
      const noiseView = viewer(legacy, second, legacyMaps);
      noise = diffAnswers(noiseView(legacy, second), noiseView(second, legacy), shadow.diff).differences;
    }
    return { kind: 'compared', routeId, request, legacy, fresh, differences, noise };
  } catch (e) {
    if (e instanceof ModelError) return { kind: 'compare-error', routeId, detail: e.message, failure: { ...e.failure, request, legacy: sampleOf(answers.legacy) } };
    return { kind: 'compare-error', routeId, detail: e instanceof Error ? e.message : String(e) };
  }
}

interface Mappings {
  readonly ok: TranslationMapping | null;
  readonly error: TranslationMapping | null;
}

function mappingsOf(target: CompiledRoute['legacy']): Mappings {
  return { ok: target?.translate?.response ?? null, error: target?.translate?.error ?? null };
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

/** The mapping an answer is read through: the response mapping for a 2xx, the error mapping for a 4xx or 5xx. */
function pick(a: CalledAnswer, m: Mappings): TranslationMapping | null {
  return is2xx(a.status) ? m.ok : a.status >= 400 ? m.error : null;
}

/**
 * What the diff sees of two answers. Two 2xx answers are compared whole. When either is not a
 * 2xx, the bodies are compared only when both are errors and legacy's error body is brought to
 * the new contract by the route's error mapping; otherwise each side's errors have their own
 * shape (`ERR_CD`/`ERR_MSG` against problem+json) and a 404 on both sides is a match: status and
 * the compared headers say all there is to say.
 */
function viewer(a: ComparedAnswer, b: ComparedAnswer, legacyMaps: Mappings): (x: ComparedAnswer, y: ComparedAnswer) => DiffAnswer {
  const bodies = (is2xx(a.status) && is2xx(b.status)) || (a.status >= 400 && b.status >= 400 && legacyMaps.error !== null);
  return bodies ? compared : (x) => ({ status: x.status, headers: x.headers, body: undefined });
}

/** Legacy's answer as a translation-failure sample shows it: status and the body as it came (capped). */
function sampleOf(result: CallResult): { status: number; body: string } | null {
  if (!result.ok) return null;
  const text = result.answer.body.toString('utf8');
  return { status: result.answer.status, body: text.length > 4_096 ? `${text.slice(0, 4_096)}…` : text };
}

/**
 * Two answers with the same status and the same body bytes, read through the same mapping (or
 * none) at the same request time, have the same model: the second is not parsed or translated
 * again. Headers are still compared as they came.
 */
function sameBytes(a: CalledAnswer, b: CalledAnswer, mappingA: TranslationMapping | null, mappingB: TranslationMapping | null): boolean {
  if (mappingA !== null && a.requestedAt !== b.requestedAt) return false;
  return mappingA === mappingB && a.status === b.status && !a.truncated && !b.truncated && a.headers['content-type'] === b.headers['content-type'] && a.body.equals(b.body);
}

/**
 * An answer whose bytes equal the first answer's (see `sameBytes`) shares its model: it is not
 * parsed or translated again, only its status line, headers and timing are its own.
 */
async function sameOrOwnModel(model: ComparedAnswer, first: CalledAnswer, other: CalledAnswer, firstMapping: TranslationMapping | null, otherMapping: TranslationMapping | null): Promise<ComparedAnswer> {
  return sameBytes(first, other, firstMapping, otherMapping) ? new SharedBody(other, model) : toModel(other, otherMapping);
}

/** The model of an answer (status, headers, timing) with a body known to be that of another model. */
class SharedBody implements ComparedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly truncated: boolean;
  readonly ms: number;
  readonly #of: ComparedAnswer;

  constructor(a: CalledAnswer, of: ComparedAnswer) {
    this.status = a.status;
    this.headers = a.headers;
    this.truncated = a.truncated;
    this.ms = a.ms;
    this.#of = of;
  }

  get body(): unknown {
    return this.#of.body;
  }

  sharesWith(other: ComparedAnswer): boolean {
    return this.#of === other;
  }
}

/** The model of an answer without a mapping: its body is parsed the first time it is read. */
class ParsedWhenRead implements ComparedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly truncated = false;
  readonly ms: number;
  readonly #answer: CalledAnswer;
  #body: unknown = undefined;
  #parsed = false;

  constructor(a: CalledAnswer) {
    this.status = a.status;
    this.headers = a.headers;
    this.ms = a.ms;
    this.#answer = a;
  }

  get body(): unknown {
    if (!this.#parsed) {
      this.#body = parsedAsIs(this.#answer);
      this.#parsed = true;
    }
    return this.#body;
  }
}

/**
 * What the diff is given of `a` when compared with `b`: when one shares the other's body, the
 * bodies are equal by construction, so the diff sees them as unknown (`undefined`) and compares
 * only the status and headers. Nothing parses a body the comparison does not need.
 */
function compared(a: ComparedAnswer, b: ComparedAnswer): DiffAnswer {
  const shared = (a instanceof SharedBody && a.sharesWith(b)) || (b instanceof SharedBody && b.sharesWith(a));
  return shared ? { status: a.status, headers: a.headers, body: undefined } : a;
}

/**
 * An answer in the model the client sees: a 2xx JSON answer through the mapping at its request
 * time (as the client got it), anything else parsed as it is. A truncated body is not compared (it
 * would differ by construction); the truncation is recorded instead. Without a mapping the body is
 * parsed when first read: an answer that only ever meets byte-identical ones (the usual match)
 * is never parsed, and one in a sample is parsed when the sample is stored.
 */
async function toModel(a: CalledAnswer, mapping: TranslationMapping | null): Promise<ComparedAnswer> {
  const base = { status: a.status, headers: a.headers, truncated: a.truncated, ms: a.ms };
  if (a.truncated) return { ...base, body: undefined };
  if (a.body.length === 0) return { ...base, body: null };
  if (!mapping || a.status === 204 || a.status === 205 || !isJson(a.headers['content-type'])) return new ParsedWhenRead(a);
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.body.toString('utf8'));
  } catch {
    return { ...base, body: a.body.toString('utf8') };
  }
  try {
    return { ...base, body: await mapping.evaluate(parsed, new Date(a.requestedAt)) };
  } catch (e) {
    // The first field the mapping names, as the gateway's own 502 and log line name it.
    const issue = e instanceof TranslationError ? e.issues[0] : undefined;
    const message = issue?.message ?? (e instanceof Error ? e.message : String(e));
    throw new ModelError(`mapping ${mapping.name} refused the answer: ${e instanceof Error ? e.message : String(e)}`, { mapping: mapping.name, path: issue?.path ?? '(whole answer)', message });
  }
}

/** A body as it came: parsed JSON, or its text when it is not JSON (or not valid JSON). */
function parsedAsIs(a: CalledAnswer): unknown {
  const text = a.body.toString('utf8');
  if (!isJson(a.headers['content-type'])) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
