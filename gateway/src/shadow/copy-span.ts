import type { CompiledRoute, CompiledTarget } from '../config/table';
import type { SpanAttributes, WorkSpan } from '../observability/spans';
import type { Exchange } from '../pipeline/exchange';
import type { CallResult } from './shadow-call';
import type { ShadowOutcome } from './types';

/**
 * The shadow copy's span: linked to the request's span, not its child (see RequestSpan.shadowCopy),
 * ended once the comparison is over, with the copy's status and time and the comparison's verdict.
 * Null when the request is not traced.
 */
export class CopySpan {
  private answer: CallResult | null = null;
  private verdict: ShadowOutcome | null = null;

  private constructor(private readonly span: WorkSpan) {}

  static start(x: Exchange, route: CompiledRoute, other: CompiledTarget, method: string): CopySpan | null {
    if (x.span === null) return null;
    const attributes: SpanAttributes = {
      'http.request.method': method,
      'url.path': x.path,
      'strangler.request_id': x.requestId,
      'strangler.route.id': route.id,
      'strangler.side': other.side,
      'strangler.upstream': other.upstream.name,
    };
    return new CopySpan(x.span.shadowCopy(attributes));
  }

  get spanId(): string {
    return this.span.spanId;
  }

  /** The copy's own answer (the first call to the other side; a noise read is not the copy). */
  answered(result: CallResult): void {
    this.answer ??= result;
  }

  recorded(outcome: ShadowOutcome): void {
    this.verdict = outcome;
  }

  end(): void {
    const attributes: Record<string, string | number | boolean> = { 'strangler.shadow.verdict': verdictOf(this.verdict) };
    const a = this.answer;
    if (a?.ok) attributes['http.response.status_code'] = a.answer.status;
    if (a) attributes['strangler.shadow.copy_ms'] = a.ok ? a.answer.ms : a.ms;
    if (this.verdict?.kind === 'compared') attributes['strangler.shadow.differences'] = this.verdict.differences.length;
    this.span.end(attributes, a && !a.ok ? (a.timeout ? 'timeout' : 'copy-failed') : undefined);
  }
}

/**
 * The comparison's verdict for this one request: `match` or `differ` (before noise is cancelled,
 * which takes the route's whole report), else the outcome's kind (`new-error`, `compare-error`, ...),
 * or `not-compared` when nothing was (the primary failed, the client left).
 */
function verdictOf(outcome: ShadowOutcome | null): string {
  if (outcome === null) return 'not-compared';
  if (outcome.kind === 'compared') return outcome.differences.length === 0 ? 'match' : 'differ';
  return outcome.kind;
}
