import type { TranslationMapping } from '../config/mapping';
import { TranslationError } from '../config/mapping';
import type { AnswerControl, AnswerSink } from '../http/answer';
import { isJson } from '../http/body';
import { rawHeader } from '../http/headers';
import { GatewayError } from '../http/problems';
import type { Exchange, Finished, Responder } from '../pipeline/exchange';
import { endAclSpan, failAclSpan, startAclSpan } from '../observability/acl-span';
import { BodyBuffer, sendJsonAnswer } from './json-answer';
import type { DroppedPart, PendingParts } from './optional-parts';

/** Names the parts left out of a composed answer, so that a client can tell a degraded page from a whole one. */
export const DEGRADED_HEADER = 'x-strangler-degraded';

export interface Composition {
  readonly parts: PendingParts;
  /** Answers a primary that cannot be composed (not 2xx JSON, too large): the plain or translating responder. */
  readonly inner: Responder;
  /** The side's response mapping: parts are merged into the translated body, in the new contract. */
  readonly mapping: TranslationMapping | null;
  readonly capBytes: number;
  /** The parts left out, for the request log and the metrics. */
  readonly onDegraded: (dropped: readonly DroppedPart[]) => void;
}

/**
 * Answers a 2xx JSON object with the parts that arrived in time merged in, each under its field;
 * the rest are left out and named in x-strangler-degraded. Any other primary answers as it would
 * without parts: a missing part may thin an answer, never fail or delay it past the part's timeout.
 */
export function composingResponder(c: Composition): Responder {
  return (x, finished) => new ComposingSink(x, finished, c);
}

class ComposingSink implements AnswerSink {
  private inner: AnswerSink | null = null;
  private readonly body: BodyBuffer;
  private status = 0;
  private reason = '';
  private headers: readonly Buffer[] = [];
  private control: AnswerControl | null = null;

  constructor(
    private readonly x: Exchange,
    private readonly finished: Finished,
    private readonly c: Composition,
  ) {
    this.body = new BodyBuffer(c.capBytes);
  }

  head(status: number, reason: string, headers: readonly Buffer[], control: AnswerControl): void {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.control = control;
    if (!composable(status, headers)) this.handOver();
  }

  data(chunk: Buffer): boolean {
    if (this.inner) return this.inner.data(chunk);
    // Past the cap, the inner responder gets the answer from its start and streams (or refuses) it as without parts.
    if (!this.body.add(chunk)) this.handOver();
    return true;
  }

  end(): void {
    if (this.inner) return this.inner.end();
    let value: unknown;
    try {
      value = JSON.parse(this.body.whole().toString('utf8'));
    } catch {
      this.handOver();
      return this.inner!.end();
    }
    const span = this.c.mapping ? startAclSpan(this.x.span, this.c.mapping.name, 'response') : null;
    let dropped = 0;
    const translated = this.c.mapping ? this.c.mapping.evaluate(value, new Date(this.x.receivedAt), (items) => (dropped = items.length)) : Promise.resolve(value);
    translated.then(
      (v) => {
        if (span) endAclSpan(span, v, dropped);
        return this.merge(v);
      },
      (e: unknown) => {
        if (span) failAclSpan(span, e instanceof TranslationError ? `translation-${e.kind}` : 'translation-failed');
        this.refuse(e);
      },
    );
  }

  cut(error: GatewayError): void {
    if (this.inner) return this.inner.cut(error);
    this.c.parts.cancel();
    this.x.refuse(error);
    this.finished(error);
  }

  /** The inner responder takes the answer over from its head, with what was read so far. */
  private handOver(): void {
    this.c.parts.cancel();
    const inner = (this.inner = this.c.inner(this.x, this.finished));
    inner.head(this.status, this.reason, this.headers, this.control!);
    for (const piece of this.body.pieces) inner.data(piece);
  }

  private async merge(value: unknown): Promise<void> {
    const extra: string[] = [];
    if (isPlainObject(value)) {
      const dropped: DroppedPart[] = [];
      for (const part of await this.c.parts.results) {
        if (part.ok) value[part.field] = part.value;
        else dropped.push(part);
      }
      // A degraded answer must not be cached as if it were whole.
      if (dropped.length > 0) {
        extra.push(DEGRADED_HEADER, dropped.map((p) => p.field).join(', '), 'cache-control', 'no-store');
        this.c.onDegraded(dropped);
      }
    } else {
      this.c.parts.cancel();
    }
    sendJsonAnswer(this.x, this.status, this.reason, this.headers, JSON.stringify(value), extra);
    this.finished(null);
  }

  /** The same refusal as the translating responder's: a bad translation is a 502, never a half-translated answer. */
  private refuse(e: unknown): void {
    this.c.parts.cancel();
    const mapping = this.c.mapping?.name ?? '-';
    const detail = e instanceof TranslationError ? e.message : `mapping ${mapping} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`;
    const extra = e instanceof TranslationError && e.issues.length ? { errors: e.issues } : {};
    const error = new GatewayError('translation-failed', detail, { mapping, upstream: this.x.upstream, ...extra });
    this.x.refuse(error);
    this.finished(error);
  }
}

function composable(status: number, headers: readonly Buffer[]): boolean {
  const encoding = rawHeader(headers, 'content-encoding') ?? 'identity';
  return status >= 200 && status < 300 && status !== 204 && status !== 205 && encoding === 'identity' && isJson(rawHeader(headers, 'content-type'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
