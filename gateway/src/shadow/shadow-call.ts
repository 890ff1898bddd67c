import type http from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import type { CompiledUpstream } from '../config/table';
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
  readonly method: string;
  readonly path: string;
  readonly headers: ShadowHeaders;
  readonly body: Buffer | null;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** Response headers as one lower-case map (repeated fields joined, as HTTP allows). */
export function headerMap(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** undici's raw response headers (name, value, name, value...) as one lower-case map. */
function rawHeaderMap(raw: readonly Buffer[]): Record<string, string> {
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
const NOT_SENT = new Set(['content-length', 'transfer-encoding', 'expect']);

/** A request's headers as a shadow call sends them: undici's string values, without what it sets itself, with the shadow marker. */
export function shadowHeaders(headers: OutgoingHttpHeaders): ShadowHeaders {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_SENT.has(name)) continue;
    out[name] = typeof value === 'number' ? String(value) : value;
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
  const requestedAt = Date.now();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  let done = false;
  let abort: ((err?: Error) => void) | null = null;
  const finish = (result: CallResult) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    resolve(result);
  };
  const stop = () => {
    // Not yet on a connection: onConnect aborts it as soon as it gets one.
    if (abort) abort(new Error('shadow call abandoned'));
  };
  const refused = unwritableHeader(r.headers);
  if (refused !== null) {
    resolve({ ok: false, timeout: false, detail: `header "${refused}" cannot be sent`, ms: elapsed() });
    return;
  }
  const timer = setTimeout(() => {
    finish({ ok: false, timeout: true, detail: `no complete answer within ${r.timeoutMs} ms`, ms: elapsed() });
    stop();
  }, r.timeoutMs);
  let status = 0;
  let answerHeaders: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let size = 0;
  const answer = (truncated: boolean): CallResult => ({ ok: true, answer: { status, headers: answerHeaders, body: Buffer.concat(chunks, size), truncated, ms: elapsed(), requestedAt } });
  try {
    clients.dispatch(
      r.upstream,
      { origin: r.upstream.origin.origin, method: r.method as Dispatcher.HttpMethod, path: r.path, headers: r.headers, body: r.body, headersTimeout: r.timeoutMs, bodyTimeout: r.timeoutMs },
      {
        onConnect(abortCall) {
          abort = abortCall;
          if (done) abortCall(new Error('shadow call abandoned'));
        },
        onHeaders(statusCode, raw) {
          if (statusCode < 200) return true; // 1xx: the answer is still to come
          status = statusCode;
          answerHeaders = rawHeaderMap(raw);
          return true;
        },
        onData(chunk) {
          if (done) return false;
          if (size + chunk.length > r.maxResponseBytes) {
            // What is beyond the cap is not wanted: stop reading and free the connection.
            finish(answer(true));
            stop();
            return false;
          }
          size += chunk.length;
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          clients.holdWrites();
          finish(answer(false));
        },
        onError(e: Error & { code?: string }) {
          // Once the answer has begun, any failure means it was cut short, whatever the socket said.
          const detail = status !== 0 ? 'answer cut short' : errorDetail(e);
          finish({ ok: false, timeout: e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT', detail, ms: elapsed() });
        },
      },
    );
  } catch (e) {
    // Anything undici throws while taking the call (it reports most refusals through onError): that copy failed.
    finish({ ok: false, timeout: false, detail: e instanceof Error ? e.message : String(e), ms: elapsed() });
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
