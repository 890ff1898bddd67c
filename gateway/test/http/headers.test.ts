import type { IncomingMessage } from 'node:http';
import { answerHeaders, forwardedRequestHeaders, rawHeader, withoutFields, type ForwardingIdentity } from '../../src/http/headers';

/** A request head as Node hands it over: raw fields in order, `headers` lower-cased with the first of each. */
function requestWith(raw: string[], socket: object = {}): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    // Node joins repeated X-Forwarded-For values with ", " and keeps the first of most others.
    if (name === 'x-forwarded-for' && headers[name] !== undefined) headers[name] += `, ${raw[i + 1] as string}`;
    else headers[name] ??= raw[i + 1] as string;
  }
  return { rawHeaders: raw, headers, socket } as unknown as IncomingMessage;
}

const TRACE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', traceFlags: '01', traceState: null };
const CLIENT: ForwardingIdentity = { requestId: 'req-1', peer: '203.0.113.9', peerTrusted: false, ...TRACE };
const PROXY: ForwardingIdentity = { requestId: 'req-1', peer: '10.0.0.1', peerTrusted: true, ...TRACE };
/** The span id of the try that sends the request, and the traceparent it makes. */
const SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE.traceId}-${SPAN}-01`;

/** A flat name/value list as [name, value] pairs, for readable expectations. */
const pairs = (flat: readonly string[]): [string, string][] => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i] as string, flat[2 * i + 1] as string]);

describe('forwardedRequestHeaders', () => {
  it('sends the request\'s trace with the try\'s span as parent, never the client\'s own traceparent or tracestate; a trusted caller\'s tracestate goes on', () => {
    const req = requestWith(['Traceparent', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, 'Tracestate', 'client=1']);
    expect(pairs(forwardedRequestHeaders(req, CLIENT, SPAN)).filter(([n]) => n.toLowerCase().startsWith('trace'))).toEqual([['traceparent', TRACEPARENT]]);
    const kept = pairs(forwardedRequestHeaders(req, { ...PROXY, traceState: 'client=1' }, SPAN)).filter(([n]) => n.toLowerCase().startsWith('trace'));
    expect(kept).toEqual([['traceparent', TRACEPARENT], ['tracestate', 'client=1']]);
  });

  it('keeps end-to-end fields in order, as spelled and repeated, and drops hop-by-hop fields and those Connection names', () => {
    const req = requestWith(['Host', 'gw', 'Accept', 'a/b', 'Connection', 'keep-alive, X-Trace-Hop', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c', 'X-Trace-Hop', '1', 'Cookie', 'a=1', 'Cookie', 'b=2', 'Proxy-Authorization', 'secret']);
    expect(pairs(forwardedRequestHeaders(req, CLIENT, SPAN)).slice(0, 3)).toEqual([
      ['Accept', 'a/b'],
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ]);
  });

  it('drops the fields the gateway sets itself, the override fields upstreams obey over the request line, and x-strangler-*', () => {
    const req = requestWith([
      'Host', 'gw', 'Content-Length', '5', 'Expect', '100-continue', 'X-Request-Id', 'client-chosen',
      'X-Original-URL', '/admin', 'X-Rewrite-URL', '/admin', 'X-HTTP-Method-Override', 'DELETE', 'X-Method-Override', 'DELETE', 'X-HTTP-Method', 'DELETE',
      'X-Strangler-Target', 'new', 'x-strangler-shadow', '1', 'Content-Type', 'application/json',
    ]);
    const names = pairs(forwardedRequestHeaders(req, CLIENT, SPAN)).map(([n]) => n);
    expect(names).toEqual(['Content-Type', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'traceparent']);
  });

  it('from a client: its forwarding fields are dropped and replaced by what the gateway saw, the request id last', () => {
    const req = requestWith(['Host', 'shop.example', 'X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'evil.example', 'X-Forwarded-Prefix', '/admin', 'X-Real-IP', '1.2.3.4', 'Forwarded', 'for=1.2.3.4']);
    expect(pairs(forwardedRequestHeaders(req, CLIENT, SPAN))).toEqual([
      ['x-forwarded-for', '203.0.113.9'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'shop.example'],
      ['x-request-id', 'req-1'],
      ['traceparent', TRACEPARENT],
    ]);
  });

  it('from a trusted proxy: its forwarding fields are believed, and the proxy is appended to X-Forwarded-For', () => {
    const req = requestWith(['Host', 'internal', 'X-Forwarded-For', '1.2.3.4', 'X-Forwarded-For', '5.6.7.8', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'shop.example', 'X-Forwarded-Prefix', '/shop', 'Forwarded', 'for=1.2.3.4']);
    expect(pairs(forwardedRequestHeaders(req, PROXY, SPAN))).toEqual([
      ['X-Forwarded-Prefix', '/shop'],
      ['x-forwarded-for', '1.2.3.4, 5.6.7.8, 10.0.0.1'],
      ['x-forwarded-proto', 'https'],
      ['x-forwarded-host', 'shop.example'],
      ['forwarded', 'for=1.2.3.4'],
      ['x-request-id', 'req-1'],
      ['traceparent', TRACEPARENT],
    ]);
  });

  it('says https for a request that came over TLS, and sends no X-Forwarded-Host without a Host', () => {
    const req = requestWith([], { encrypted: true });
    expect(pairs(forwardedRequestHeaders(req, CLIENT, SPAN))).toEqual([
      ['x-forwarded-for', '203.0.113.9'],
      ['x-forwarded-proto', 'https'],
      ['x-request-id', 'req-1'],
      ['traceparent', TRACEPARENT],
    ]);
  });
});

describe('answerHeaders', () => {
  it("drops hop-by-hop fields, those the answer's Connection names (wherever they stand), the upstream's request id and x-strangler-*", () => {
    const raw = ['X-Hop', '1', 'Content-Type', 'text/plain', 'Connection', 'close, X-Hop', 'Transfer-Encoding', 'chunked', 'Keep-Alive', 'timeout=5', 'X-Request-Id', 'upstream-id', 'X-Strangler-Fallback', 'forged', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
    expect(pairs(answerHeaders(raw, 'req-1'))).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['x-request-id', 'req-1'],
    ]);
  });

  it('leaves out the fields in skip, and reads names and values given as bytes', () => {
    const raw = [Buffer.from('ETag'), Buffer.from('"v1"'), Buffer.from('Content-Length'), Buffer.from('12'), Buffer.from('X-Caf\xe9', 'latin1'), Buffer.from('\xe9', 'latin1')];
    expect(pairs(answerHeaders(raw, 'req-2', new Set(['etag', 'content-length'])))).toEqual([
      ['X-Caf\xe9', '\xe9'],
      ['x-request-id', 'req-2'],
    ]);
  });
});

describe('rawHeader and withoutFields', () => {
  it('rawHeader: the first value of a field, whatever its case, as text; undefined when absent', () => {
    const raw = ['content-TYPE', 'a/b', 'Content-Type', 'c/d', Buffer.from('X-Bytes'), Buffer.from('v')];
    expect(rawHeader(raw, 'content-type')).toBe('a/b');
    expect(rawHeader(raw, 'x-bytes')).toBe('v');
    expect(rawHeader(raw, 'etag')).toBeUndefined();
  });

  it('withoutFields: every copy of the named fields goes, whatever its case; the rest keep their order', () => {
    expect(withoutFields(['A', '1', 'b', '2', 'a', '3', 'C', '4'], new Set(['a']))).toEqual(['b', '2', 'C', '4']);
  });
});
