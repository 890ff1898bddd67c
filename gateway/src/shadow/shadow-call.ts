import type { CompiledUpstream } from '../config/table';
import type { UpstreamOrigin } from '../config/upstream-url';
import type { Dispatcher } from 'undici';
import type { ShadowClients } from './shadow-clients';

/** A shadow side's answer, read whole up to a cap. */
export interface CalledAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly ms: number;
  /**
   * When the request this answers was made (ms since the epoch): the client's arrival at the
   * gateway for the primary, the call's start for a shadow call. A mapping translates the answer
   * with it as the request time (`$now`), as the client's own answer was translated.
   */
  readonly requestedAt: number;
}

export type CallResult = { readonly ok: true; readonly answer: CalledAnswer } | { readonly ok: false; readonly timeout: boolean; readonly detail: string; readonly ms: number };

export interface ShadowRequest {
  readonly upstream: CompiledUpstream;
  /** The instance the copy goes to, picked like the primary's tries. */
  readonly origin: UpstreamOrigin;
  readonly method: string;
  readonly path: string;
  readonly headers: ShadowHeaders;
  readonly body: Buffer | null;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** undici's raw response headers (name, value, name, value...) as one lower-case map. */
export function rawHeaderMap(raw: readonly Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    const value = (raw[i + 1] as Buffer).toString('latin1');
    const prev = out[name];
    out[name] = prev === undefined ? value : `${prev}, ${value}`;
  }
  return out;
}

/** Fields undici sets itself (the copy's body is whole, so undici frames it) or refuses; a client's `Expect: 100-continue` is not repeated to a shadow. */
const NOT_SENT: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'expect']);

/** A request's forwarded fields (a flat name/value list) as a shadow call sends them: a map undici takes, without what it sets itself, with the shadow marker. */
export function shadowHeaders(headers: readonly string[]): ShadowHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (NOT_SENT.has(name)) continue;
    const value = headers[i + 1] as string;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  out['x-strangler-shadow'] = '1';
  return out;
}

export type ShadowHeaders = Readonly<Record<string, string | string[]>>;

/**
 * One call off the response path, through the shadow side's own pools: `resolve` is called once,
 * with its result. One deadline for the queue, connect, answer and body, and a cap on what is read
 * (the rest is dropped and the answer marked truncated). Never throws. Abandoning a call that is
 * already on a connection closes that connection; copies pipelined behind it are sent again on
 * another.
 */
export function callShadow(r: ShadowRequest, clients: ShadowClients, resolve: (result: CallResult) => void): void {
  const started = process.hrtime.bigint();
  const refused = unwritableHeader(r.headers);
  if (refused !== null) {
    resolve({ ok: false, timeout: false, detail: `header "${refused}" cannot be sent`, ms: msSince(started) });
    return;
  }
  const call = new ShadowCall(r, clients, resolve, started);
  try {
    clients.dispatch(
      r.upstream,
      r.origin,
      { origin: r.origin.origin, method: r.method as Dispatcher.HttpMethod, path: r.path, headers: r.headers, body: r.body, headersTimeout: r.timeoutMs, bodyTimeout: r.timeoutMs },
      call,
    );
  } catch (e) {
    // Anything undici throws while taking the call (it reports most refusals through onError): that copy failed.
    call.finish({ ok: false, timeout: false, detail: e instanceof Error ? e.message : String(e), ms: call.elapsed() });
  }
}

function msSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * One shadow call in flight, and undici's handler for it: a class rather than a handler object of
 * closures, so that a call costs one object (every shadowed request makes one).
 */
class ShadowCall implements Dispatcher.DispatchHandlers {
  private readonly requestedAt = Date.now();
  private done = false;
  private abort: ((err?: Error) => void) | null = null;
  private readonly timer: NodeJS.Timeout;
  private status = 0;
  private answerHeaders: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly r: ShadowRequest,
    private readonly clients: ShadowClients,
    private readonly resolve: (result: CallResult) => void,
    private readonly started: bigint,
  ) {
    this.timer = setTimeout(() => {
      this.finish({ ok: false, timeout: true, detail: `no complete answer within ${r.timeoutMs} ms`, ms: this.elapsed() });
      this.stop();
    }, r.timeoutMs);
  }

  elapsed(): number {
    return msSince(this.started);
  }

  /** Hands over the result, once; later results (a timeout racing the answer) are dropped. */
  finish(result: CallResult): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.resolve(result);
  }

  private stop(): void {
    // Not yet on a connection: onConnect aborts it as soon as it gets one.
    if (this.abort) this.abort(new Error('shadow call abandoned'));
  }

  private answer(truncated: boolean): CallResult {
    return { ok: true, answer: { status: this.status, headers: this.answerHeaders, body: Buffer.concat(this.chunks, this.size), truncated, ms: this.elapsed(), requestedAt: this.requestedAt } };
  }

  onConnect(abortCall: (err?: Error) => void): void {
    this.abort = abortCall;
    if (this.done) abortCall(new Error('shadow call abandoned'));
  }

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: the answer is still to come
    this.status = statusCode;
    this.answerHeaders = rawHeaderMap(raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    if (this.size + chunk.length > this.r.maxResponseBytes) {
      // What is beyond the cap is not wanted: stop reading and free the connection.
      this.finish(this.answer(true));
      this.stop();
      return false;
    }
    this.size += chunk.length;
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.clients.holdWrites();
    this.finish(this.answer(false));
  }

  onError(e: Error & { code?: string }): void {
    // Once the answer has begun, any failure means it was cut short, whatever the socket said.
    const detail = this.status !== 0 ? 'answer cut short' : errorDetail(e);
    this.finish({ ok: false, timeout: e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT', detail, ms: this.elapsed() });
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The name of a header undici would refuse, or null. Checked before a call is handed over:
 * undici 6 refuses such a request by calling onError during dispatch, and the pool then stalls the
 * calls queued after it.
 */
function unwritableHeader(headers: ShadowHeaders): string | null {
  for (const name in headers) {
    if (!TOKEN.test(name)) return name;
    const value = headers[name] as string | string[];
    if (typeof value === 'string' ? !FIELD_VALUE.test(value) : value.some((v) => !FIELD_VALUE.test(v))) return name;
  }
  return null;
}

/** What went wrong, as short as the old socket codes: ECONNREFUSED, "answer cut short"... */
function errorDetail(e: Error & { code?: string; cause?: unknown }): string {
  const cause = e.cause as { code?: string } | undefined;
  if (cause?.code) return cause.code;
  if (e.code === 'UND_ERR_SOCKET' || e.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return 'answer cut short';
  return e.code ?? e.message;
}
