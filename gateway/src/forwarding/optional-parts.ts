import type { CompiledPart } from '../config/optional-parts';
import { newSpanId } from '../../../platform';
import type { CompiledUpstream } from '../config/table';
import { isJson } from '../http/body';
import { forwardedRequestHeaders, withoutFields } from '../http/headers';
import type { RequestSpan } from '../observability/spans';
import type { Exchange } from '../pipeline/exchange';
import type { Verdict } from './instances/instance';
import type { InstanceSet } from './instances/instance-set';
import { upstreamFailure } from './socket-errors';

/** A part's outcome: its JSON value, or why it is left out (for the request log). */
export type PartResult = { readonly field: string; readonly ok: true; readonly value: unknown } | { readonly field: string; readonly ok: false; readonly why: string };

export type DroppedPart = Extract<PartResult, { readonly ok: false }>;

/** The parts of one request, in flight beside the primary. */
export interface PendingParts {
  /** Settles when every part has answered, failed or run out of time; never rejects. */
  readonly results: Promise<readonly PartResult[]>;
  /** The primary will not be composed (or the client left): the parts still running are dropped. */
  cancel(): void;
}

export interface PartDeps {
  /** A part's upstream's instances (the same the primary uses). */
  readonly instances: (upstream: CompiledUpstream) => InstanceSet | null;
  /** True while the upstream's circuit is open: the part is left out without a call. */
  readonly circuitOpen: (upstream: string) => boolean;
}

/** The most of a part's body the gateway reads: a part is a strip of a page, not a page. */
const PART_CAP_BYTES = 1024 * 1024;
/** Client fields that could make a part answer other than a whole, plain JSON body (a 304, a range, gzip). */
const NOT_FOR_PARTS: ReadonlySet<string> = new Set(['content-type', 'accept', 'accept-encoding', 'range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']);

/** Starts every part at once, each with its own timeout; never retried, since a late part is simply left out. */
export function startParts(parts: readonly CompiledPart[], x: Exchange, deps: PartDeps): PendingParts {
  const stop = new AbortController();
  const propagate = x.table.tracing.propagate;
  const headers = withoutFields(forwardedRequestHeaders(x.req, x, propagate ? newSpanId() : null), NOT_FOR_PARTS);
  headers.push('accept', 'application/json');
  const results = Promise.all(parts.map((part) => (x.span === null ? fetchPart(part, part.buildPath('', x.params), headers, deps, stop.signal) : tracedPart(x.span, part, x, headers, deps, stop.signal))));
  return { results, cancel: () => stop.abort() };
}

/** A part's fetch as a span of its own, which its `traceparent` names. */
async function tracedPart(request: RequestSpan, part: CompiledPart, x: Exchange, shared: readonly string[], deps: PartDeps, cancelled: AbortSignal): Promise<PartResult> {
  const span = request.client('optional part', { 'strangler.part': part.field, 'strangler.upstream': part.upstream.name, 'http.request.method': 'GET' });
  const headers = x.table.tracing.propagate ? withTraceparent(shared, `00-${x.traceId}-${span.spanId}-${span.flags}`) : [...shared];
  const result = await fetchPart(part, part.buildPath('', x.params), headers, deps, cancelled);
  span.end({ 'strangler.part.included': result.ok }, result.ok ? undefined : result.why);
  return result;
}

function withTraceparent(headers: readonly string[], value: string): string[] {
  const out = [...headers];
  for (let i = 0; i < out.length; i += 2) if (out[i] === 'traceparent') out[i + 1] = value;
  return out;
}

async function fetchPart(part: CompiledPart, path: string, headers: string[], deps: PartDeps, cancelled: AbortSignal): Promise<PartResult> {
  const { field, upstream } = part;
  if (cancelled.aborted) return { field, ok: false, why: 'cancelled' };
  if (deps.circuitOpen(upstream.name)) return { field, ok: false, why: 'circuit-open' };
  const set = deps.instances(upstream);
  const instance = set?.pick(null) ?? null;
  if (!set || !instance) return { field, ok: false, why: 'no-instance' };
  const timeout = AbortSignal.timeout(part.timeoutMs);
  const signal = AbortSignal.any([cancelled, timeout]);
  set.started(instance);
  let verdict: Verdict = 'neutral';
  try {
    const answer = await instance.pool.request({ path, method: 'GET', headers, signal });
    verdict = answer.statusCode >= 500 ? 'failure' : 'success';
    const encoding = answer.headers['content-encoding'] ?? 'identity';
    const type = answer.headers['content-type'];
    if (answer.statusCode < 200 || answer.statusCode >= 300 || !isJson(Array.isArray(type) ? type[0] : type) || encoding !== 'identity') {
      answer.body.destroy();
      return { field, ok: false, why: answer.statusCode < 200 || answer.statusCode >= 300 ? `status ${answer.statusCode}` : 'not-json' };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > PART_CAP_BYTES) {
        answer.body.destroy();
        return { field, ok: false, why: 'too-large' };
      }
      chunks.push(chunk);
    }
    try {
      return { field, ok: true, value: JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown };
    } catch {
      return { field, ok: false, why: 'not-json' };
    }
  } catch (e) {
    if (timeout.aborted) return { field, ok: false, why: 'timeout' };
    if (cancelled.aborted) return { field, ok: false, why: 'cancelled' };
    verdict = 'failure';
    return { field, ok: false, why: upstreamFailure(upstream.name, e instanceof Error ? e : new Error(String(e))).code };
  } finally {
    set.finished(instance, verdict);
  }
}
