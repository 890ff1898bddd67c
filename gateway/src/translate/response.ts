import type { DroppedItem, TranslationMapping } from '../config/mapping';
import { TranslationError } from '../config/mapping';
import type { AnswerControl, AnswerSink } from '../http/answer';
import { isJson } from '../http/body';
import { rawHeader } from '../http/headers';
import { GatewayError } from '../http/problems';
import { BodyBuffer, sendJsonAnswer } from '../forwarding/json-answer';
import { streamResponder } from '../forwarding/stream';
import type { Exchange, Finished, Responder } from '../pipeline/exchange';
import { endAclSpan, failAclSpan, startAclSpan } from '../observability/acl-span';

/** How many list items a translation left out of the answer (the mapping's `drop` policy). */
export const DROPPED_HEADER = 'x-strangler-dropped';

/** The most of an upstream answer the gateway buffers to translate. */
export const TRANSLATE_CAP_BYTES = 16 * 1024 * 1024;

/**
 * Answers with the upstream's 2xx JSON translated into the new contract by `mapping`, and its
 * non-2xx JSON by `errorMapping` when the target declares one (`translate.error`). Anything else
 * (errors without an error mapping, non-JSON) streams through untouched. A body that cannot be
 * translated is a 502 naming the mapping and the fields, never a half-translated answer. Built
 * once per target.
 */
export function translatingResponder(mapping: TranslationMapping | null, capBytes = TRANSLATE_CAP_BYTES, errorMapping: TranslationMapping | null = null): Responder {
  return (x, finished) => new TranslatingSink(x, finished, mapping, errorMapping, capBytes);
}

/** True for an error answer an error mapping may translate: 4xx or 5xx, JSON. */
export function translatableError(status: number, headers: readonly Buffer[]): boolean {
  return status >= 400 && isJson(rawHeader(headers, 'content-type'));
}

/** True for an answer a mapping may translate: 2xx with content, JSON. */
export function translatable(status: number, headers: readonly Buffer[]): boolean {
  return status >= 200 && status < 300 && status !== 204 && status !== 205 && isJson(rawHeader(headers, 'content-type'));
}

class TranslatingSink implements AnswerSink {
  private inner: AnswerSink | null = null;
  private body: BodyBuffer;
  private status = 0;
  private reason = '';
  private headers: readonly Buffer[] = [];
  private control: AnswerControl | null = null;
  private over = false;
  /** The mapping this answer goes through, chosen by its status. */
  private mapping!: TranslationMapping;

  constructor(
    private readonly x: Exchange,
    private readonly finished: Finished,
    private readonly okMapping: TranslationMapping | null,
    private readonly errorMapping: TranslationMapping | null,
    private readonly capBytes: number,
  ) {
    this.body = new BodyBuffer(capBytes);
  }

  head(status: number, reason: string, headers: readonly Buffer[], control: AnswerControl): void {
    const mapping = translatable(status, headers) ? this.okMapping : translatableError(status, headers) ? this.errorMapping : null;
    if (mapping === null) {
      this.inner = streamResponder(this.x, this.finished);
      return this.inner.head(status, reason, headers, control);
    }
    this.mapping = mapping;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.control = control;
  }

  data(chunk: Buffer): boolean {
    if (this.inner) return this.inner.data(chunk);
    if (this.over || this.body.add(chunk)) return true;
    this.control?.stop();
    this.fail(`the answer of "${this.x.upstream}" is larger than ${this.capBytes} bytes, the most the gateway translates`);
    return true;
  }

  end(): void {
    if (this.inner) return this.inner.end();
    if (this.over) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.body.whole().toString('utf8'));
    } catch {
      return this.fail(`the answer of "${this.x.upstream}" is not valid JSON`);
    }
    let dropped: readonly DroppedItem[] = [];
    const span = startAclSpan(this.x.span, this.mapping.name, 'response');
    this.mapping.evaluate(parsed, new Date(this.x.receivedAt), (items) => (dropped = items)).then(
      (value) => {
        if (span) endAclSpan(span, value, dropped.length);
        // A page with items left out says how many, so that a client can tell it from a whole one.
        if (dropped.length > 0) this.x.dropped = { mapping: this.mapping.name, items: dropped };
        sendJsonAnswer(this.x, this.status, this.reason, this.headers, JSON.stringify(value), dropped.length > 0 ? [DROPPED_HEADER, String(dropped.length)] : []);
        this.finished(null);
      },
      (e: unknown) => {
        if (span) failAclSpan(span, e instanceof TranslationError ? `translation-${e.kind}` : 'translation-failed');
        if (e instanceof TranslationError) return this.fail(e.message, e.issues.length ? { errors: e.issues } : {});
        // Whatever else went wrong inside the ACL is still this answer's failure, never the process's.
        this.fail(`mapping ${this.mapping.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  cut(error: GatewayError): void {
    if (this.inner) return this.inner.cut(error);
    this.fail(`"${this.x.upstream}" cut its answer short`);
  }

  private fail(detail: string, extra: Record<string, unknown> = {}): void {
    if (this.over) return;
    this.over = true;
    const error = new GatewayError('translation-failed', detail, { mapping: this.mapping.name, upstream: this.x.upstream, ...extra });
    this.x.refuse(error);
    this.finished(error);
  }
}
