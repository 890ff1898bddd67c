import type { IncomingMessage } from 'node:http';

/** RFC 9110 §7.6.1 connection-specific fields, plus the de-facto ones proxies also drop. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Fields the gateway sets itself, so whatever the client sent is dropped first: the Host is the
 * upstream's own (its HTTP client writes it), `expect` is answered by the gateway (it sends 100
 * Continue once the head passed its checks), and the length is the body's framing, set by whoever
 * sends the body, never copied.
 */
const SET_BY_GATEWAY: ReadonlySet<string> = new Set(['host', 'x-request-id', 'traceparent', 'tracestate', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'expect', 'content-length']);

/**
 * Client fields some upstream frameworks obey over the request line itself (IIS and Symfony route
 * by X-Original-URL / X-Rewrite-URL; many honour a method override): forwarded, they would let a
 * client reach a path or method the gateway never routed, so they are dropped.
 */
const OVERRIDES: ReadonlySet<string> = new Set(['x-original-url', 'x-rewrite-url', 'x-http-method-override', 'x-http-method', 'x-method-override']);

/** Who asks, as the forwarding headers tell it. */
export interface ForwardingIdentity {
  readonly requestId: string;
  /** The TCP peer. */
  readonly peer: string;
  /** True when the peer is a trusted proxy, so its forwarding fields are believed and extended. */
  readonly peerTrusted: boolean;
  /** The request's W3C trace: its id, flags and the trusted caller's `tracestate` (null when none). */
  readonly traceId: string;
  readonly traceFlags: string;
  readonly traceState: string | null;
}

/** The lower-case field names a `Connection` value lists beyond its own options, or null. */
function connectionNamed(value: string | string[] | undefined): ReadonlySet<string> | null {
  if (!value) return null;
  const text = Array.isArray(value) ? value.join(',') : value;
  // The usual values name no field: answered without building a set.
  if (text.length <= 10) {
    const lower = text.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') return null;
  }
  return new Set(text.split(',').map((t) => t.trim().toLowerCase()));
}

/**
 * Forwarding fields believed only from a trusted proxy: from anyone else they are dropped, so
 * that a client cannot tell an upstream which prefix, port, scheme or user it came through.
 */
function forwardingField(lower: string): boolean {
  return lower.startsWith('x-forwarded-') || lower === 'x-real-ip';
}

/**
 * The request's end-to-end fields as a flat name/value list, plus the request id and the
 * X-Forwarded-* fields the gateway owns, and the trace: a `traceparent` naming `spanId` (the
 * try's or copy's own) as the parent, with the trusted caller's `tracestate`; none when `spanId`
 * is null (trace context switched off). Never a Host, a framing field or an `x-strangler-*` one:
 * the sender frames the body it actually sends.
 */
export function forwardedRequestHeaders(req: IncomingMessage, who: ForwardingIdentity, spanId: string | null): string[] {
  const out: string[] = [];
  const named = connectionNamed(req.headers.connection);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || SET_BY_GATEWAY.has(lower) || OVERRIDES.has(lower) || lower.startsWith('x-strangler-') || (named !== null && named.has(lower))) continue;
    if (!who.peerTrusted && forwardingField(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  const sentXff = req.headers['x-forwarded-for'];
  // Appended to only when the peer is a trusted proxy; otherwise the client's value is replaced.
  out.push('x-forwarded-for', who.peerTrusted && sentXff ? `${sentXff}, ${who.peer}` : who.peer);
  const sentProto = req.headers['x-forwarded-proto'];
  out.push('x-forwarded-proto', who.peerTrusted && typeof sentProto === 'string' ? sentProto : 'encrypted' in req.socket ? 'https' : 'http');
  const sentHost = req.headers['x-forwarded-host'];
  const host = who.peerTrusted && typeof sentHost === 'string' ? sentHost : req.headers.host;
  if (host) out.push('x-forwarded-host', host);
  if (who.peerTrusted && typeof req.headers.forwarded === 'string') out.push('forwarded', req.headers.forwarded);
  out.push('x-request-id', who.requestId);
  if (spanId === null) return out;
  out.push('traceparent', `00-${who.traceId}-${spanId}-${who.traceFlags}`);
  if (who.traceState !== null) out.push('tracestate', who.traceState);
  return out;
}

/**
 * An upstream's answer fields for the client (as the upstream's HTTP client hands them over:
 * strings or raw bytes), minus hop-by-hop fields, those its `Connection` names, the upstream's own
 * request id, `x-strangler-*` fields (the gateway's own, which it sets itself) and any in `skip`
 * (lower case), plus the gateway's request id.
 */
export function answerHeaders(raw: readonly (string | Buffer)[], requestId: string, skip: ReadonlySet<string> | null = null): string[] {
  const out: string[] = [];
  let named: ReadonlySet<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = text(raw[i] as string | Buffer);
    const lower = name.toLowerCase();
    if (lower === 'connection') named = connectionNamed(text(raw[i + 1] as string | Buffer));
    if (HOP_BY_HOP.has(lower) || lower === 'x-request-id' || lower.startsWith('x-strangler-') || (skip !== null && skip.has(lower))) continue;
    out.push(name, text(raw[i + 1] as string | Buffer));
  }
  out.push('x-request-id', requestId);
  // Rare: `Connection` names end-to-end fields, wherever they stood.
  return named === null ? out : withoutFields(out, named);
}

function text(value: string | Buffer): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}

/** The value of a field in a raw name/value list (first occurrence, lower-case name), or undefined. */
export function rawHeader(raw: readonly (string | Buffer)[], lower: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string | Buffer;
    if ((typeof name === 'string' ? name : name.toString('latin1')).toLowerCase() === lower) {
      const value = raw[i + 1] as string | Buffer;
      return typeof value === 'string' ? value : value.toString('latin1');
    }
  }
  return undefined;
}

/** A flat name/value list without the fields in `drop` (lower-case names). */
export function withoutFields(headers: readonly string[], drop: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (!drop.has(name.toLowerCase())) out.push(name, headers[i + 1] as string);
  }
  return out;
}
