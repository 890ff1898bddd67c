import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { CompiledUpstream } from '../config/table';
import { framingOf } from '../http/framing';
import type { RequestContext } from './context';

/** RFC 9110 §7.6.1 connection-specific fields, plus the de-facto ones proxies also drop. */
const HOP_BY_HOP = new Set([
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
 * Fields the gateway sets itself, so whatever the client sent is dropped first. `expect` is
 * answered by the gateway (it sends 100 Continue once the request passed its checks), and the
 * framing fields are set from the body's own framing, never copied.
 */
const SET_BY_GATEWAY = new Set(['host', 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'expect', 'content-length']);

/**
 * Forwarding fields believed only from a trusted proxy: from anyone else they are dropped, so
 * that a client cannot tell an upstream which prefix, port, scheme or user it came through.
 */
function forwardingField(lower: string): boolean {
  return lower.startsWith('x-forwarded-') || lower === 'x-real-ip';
}

function connectionNamed(value: string | undefined): ReadonlySet<string> | null {
  if (!value) return null;
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}

function dropped(lower: string, named: ReadonlySet<string> | null): boolean {
  return HOP_BY_HOP.has(lower) || (named !== null && named.has(lower)) || lower.startsWith('x-strangler-');
}

/** Headers for the upstream request: end-to-end fields as sent, plus host, request id and X-Forwarded-*. */
export function upstreamRequestHeaders(req: IncomingMessage, ctx: RequestContext, upstream: CompiledUpstream): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const named = connectionNamed(req.headers.connection);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (dropped(lower, named) || SET_BY_GATEWAY.has(lower) || (!ctx.peerTrusted && forwardingField(lower))) continue;
    const value = raw[i + 1] as string;
    const prev = out[lower];
    out[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
  const sentXff = req.headers['x-forwarded-for'];
  // Appended to only when the peer is a trusted proxy; otherwise the client's value is replaced.
  out['x-forwarded-for'] = ctx.peerTrusted && sentXff ? `${sentXff}, ${ctx.peer}` : ctx.peer;
  const sentProto = req.headers['x-forwarded-proto'];
  out['x-forwarded-proto'] = ctx.peerTrusted && typeof sentProto === 'string' ? sentProto : 'encrypted' in req.socket ? 'https' : 'http';
  const sentHost = req.headers['x-forwarded-host'];
  const host = req.headers.host;
  const fwdHost = ctx.peerTrusted && typeof sentHost === 'string' ? sentHost : host;
  if (fwdHost) out['x-forwarded-host'] = fwdHost;
  if (ctx.peerTrusted && typeof req.headers.forwarded === 'string') out['forwarded'] = req.headers.forwarded;
  out['x-request-id'] = ctx.requestId;
  // Exactly one framing, the client's own: a body on any method travels with its length, or chunked.
  const framing = framingOf(req);
  if (framing.kind === 'length') out['content-length'] = framing.length;
  else if (framing.kind === 'chunked') out['transfer-encoding'] = 'chunked';
  const { hostname, port, protocol } = upstream.origin;
  const defaultPort = protocol === 'https:' ? 443 : 80;
  out['host'] = (hostname.includes(':') ? `[${hostname}]` : hostname) + (port === defaultPort ? '' : `:${port}`);
  return out;
}

/** The upstream's response headers as a raw list, minus hop-by-hop fields, plus the request id. */
export function clientResponseHeaders(rawHeaders: readonly string[], connection: string | undefined, requestId: string): string[] {
  const named = connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (dropped(lower, named) || lower === 'x-request-id') continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  out.push('x-request-id', requestId);
  return out;
}
