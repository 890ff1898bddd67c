import type { CompiledRoute } from '../config/table';
import { isJson } from '../translate/body';
import type { TranslationMapping } from '../translate/mapping';
import { diffAnswers } from './diff';
import type { CallResult, CalledAnswer } from './shadow-call';
import type { ComparedAnswer, SampledRequest, ShadowOutcome } from './types';

export interface ShadowAnswers {
  readonly legacy: CallResult;
  readonly fresh: CallResult;
  /** A second legacy answer, when this request was sampled for noise. */
  readonly noise: CallResult | null;
}

/** Thrown when an answer cannot be brought to the new model; the outcome is a compare error naming the mapping. */
class ModelError extends Error {}

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
  for (const side of [answers.legacy, answers.fresh]) {
    if (!side.ok) return { kind: side.timeout ? 'new-timeout' : 'new-error', routeId, ms: side.ms, detail: side.detail };
  }
  if (!answers.legacy.ok || !answers.fresh.ok) return { kind: 'compare-error', routeId };
  try {
    const legacyMapping = route.legacy?.translate?.response ?? null;
    const freshMapping = route.new?.translate?.response ?? null;
    const legacy = await toModel(answers.legacy.answer, legacyMapping);
    const fresh = sameBytes(answers.legacy.answer, answers.fresh.answer, legacyMapping, freshMapping) ? { ...legacy, headers: answers.fresh.answer.headers, ms: answers.fresh.answer.ms } : await toModel(answers.fresh.answer, freshMapping);
    const differences = diffAnswers(legacy, fresh, shadow.diff).differences;
    let noise = null;
    if (answers.noise?.ok) {
      const second = answers.noise.answer;
      const same = sameBytes(answers.legacy.answer, second, legacyMapping, legacyMapping);
      noise = diffAnswers(legacy, same ? { ...legacy, headers: second.headers } : await toModel(second, legacyMapping), shadow.diff).differences;
    }
    return { kind: 'compared', routeId, request, legacy, fresh, differences, noise };
  } catch (e) {
    return { kind: 'compare-error', routeId, detail: e instanceof Error ? e.message : String(e) };
  }
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
 * An answer in the model the client sees: a 2xx JSON answer through the mapping at its request
 * time (as the client got it), anything else parsed as it is. A truncated body is not compared (it
 * would differ by construction); the truncation is recorded instead.
 */
async function toModel(a: CalledAnswer, mapping: TranslationMapping | null): Promise<ComparedAnswer> {
  const base = { status: a.status, headers: a.headers, truncated: a.truncated, ms: a.ms };
  if (a.truncated) return { ...base, body: undefined };
  if (a.body.length === 0) return { ...base, body: null };
  const text = a.body.toString('utf8');
  if (!isJson(a.headers['content-type'])) return { ...base, body: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ...base, body: text };
  }
  if (!mapping || a.status < 200 || a.status >= 300) return { ...base, body: parsed };
  try {
    return { ...base, body: await mapping.evaluate(parsed, new Date(a.requestedAt)) };
  } catch (e) {
    throw new ModelError(`mapping ${mapping.name} refused the answer: ${e instanceof Error ? e.message : String(e)}`);
  }
}
