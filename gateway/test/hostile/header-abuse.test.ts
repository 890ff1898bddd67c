import { check, runCase, type Verdict } from '../kit/hostile-stack';
import type { RecordedRequest } from '../kit/recording-upstream';

/**
 * Header counts, sizes and duplicates (issue 13, fault 3), hop-by-hop abuse through Connection,
 * and forwarding headers from an untrusted client (fault 5). Node keeps only part of a very long
 * header list in rawHeaders: a check that reads that list must not be fooled by what it cannot see.
 */

const head = (method: string, path: string, lines: readonly string[], version = 'HTTP/1.1', host: string | null = 'gw') =>
  `${method} ${path} ${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
const fillers = (n: number, name = 'X-Pad') => Array.from({ length: n }, (_, i) => `${name}${i}: 1`);

const refused = (status: number | number[] = 400): Verdict => ({ kind: 'refused', status });
const forwarded = (upstream?: (r: RecordedRequest) => string[], method = 'GET'): Verdict => ({ kind: 'forwarded', method, ...(upstream ? { upstream } : {}) });
const forwardedOr = (status: number | number[], upstream?: (r: RecordedRequest) => string[]): Verdict => ({
  kind: 'either',
  forwarded: { kind: 'forwarded', method: 'GET', ...(upstream ? { upstream } : {}) },
  refused: { kind: 'refused', status },
});

/** The upstream got every one of the n filler headers (a forwarded request must not lose fields silently). */
const allFillers = (n: number) => (r: RecordedRequest) => {
  const got = r.headers.filter(([k]) => k.startsWith('x-pad')).length;
  return got === n ? [] : [`upstream: ${got} of the ${n} header fields arrived`];
};
const exactlyOne = (name: string) => (r: RecordedRequest) => (r.header(name).length === 1 ? [] : [`upstream: ${r.header(name).length} ${name} fields, wanted exactly one`]);
const absent = (...names: string[]) => (r: RecordedRequest) => names.filter((n) => r.header(n).length > 0).map((n) => `upstream: received ${n}: ${r.header(n).join(' | ')}`);

/** The forwarding fields an untrusted client sent are gone; the gateway's own are its own. */
const onlyGatewayForwarding = (r: RecordedRequest) => {
  const out: string[] = [];
  for (const [k, v] of r.headers) {
    if ((k.startsWith('x-forwarded-') && !['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'].includes(k)) || k === 'x-real-ip' || k === 'forwarded') out.push(`upstream: client-sent ${k}: ${v} reached it`);
  }
  if (r.header('x-forwarded-for').join() !== '127.0.0.1') out.push(`upstream: x-forwarded-for ${JSON.stringify(r.header('x-forwarded-for'))}, wanted the peer only`);
  if (r.header('x-forwarded-proto').join() !== 'http') out.push(`upstream: x-forwarded-proto ${JSON.stringify(r.header('x-forwarded-proto'))}`);
  if (r.header('x-forwarded-host').join() !== 'gw') out.push(`upstream: x-forwarded-host ${JSON.stringify(r.header('x-forwarded-host'))}`);
  return out;
};

type Case = readonly [name: string, bytes: string, verdict: Verdict];

const countsAndSizes: Case[] = [
  ['50 small header fields are all forwarded', head('GET', '/api/plain/h', fillers(50)), forwarded(allFillers(50))],
  ['500 small header fields: all forwarded, or 431', head('GET', '/api/plain/h', fillers(500)), forwardedOr(431, allFillers(500))],
  ['3,000 small header fields: all forwarded, or 431', head('GET', '/api/plain/h', fillers(3_000)), forwardedOr(431, allFillers(3_000))],
  ['10,000 small header fields: 431 and close', head('GET', '/api/plain/h', fillers(10_000)), refused(431)],
  ['a second Host after 1,100 filler fields', head('GET', '/api/plain/h', [...fillers(1_100), 'Host: evil.example']), refused([400, 431])],
  ['a second Host after 5,000 filler fields', head('GET', '/api/plain/h', [...fillers(5_000), 'Host: evil.example']), refused([400, 431])],
  ['Connection: content-length after 2,500 filler fields', head('GET', '/api/plain/h', [...fillers(2_500), 'Content-Length: 3', 'Connection: content-length']) + 'abc', refused([400, 431])],
  ['a second Authorization after 2,500 filler fields', head('GET', '/api/plain/h', ['Authorization: Bearer a', ...fillers(2_500), 'Authorization: Bearer b']), refused([400, 431])],
  ['one 40 KB header field', head('GET', '/api/plain/h', [`X-Big: ${'a'.repeat(40_000)}`]), refused(431)],
  ['a 200 KB head (past the parser limit)', head('GET', '/api/plain/h', fillers(20, `X-${'b'.repeat(10_000)}`)), refused(431)],
  ['40 fields of 1 KB (33 KB head, over the 32 KiB limit)', head('GET', '/api/plain/h', fillers(40).map((l) => `${l}${'c'.repeat(1_000)}`)), refused(431)],
];

const duplicates: Case[] = [
  ['two Host fields', head('GET', '/api/plain/h', ['Host: evil.example']), refused()],
  ['two Host fields, the second lower-case', head('GET', '/api/plain/h', ['host: gw']), refused()],
  ['Host folded onto a second line (obs-fold)', head('GET', '/api/plain/h', [' evil.example']), refused()],
  ['no Host on HTTP/1.1', head('GET', '/api/plain/h', [], 'HTTP/1.1', null), refused()],
  ['no Host on HTTP/1.0 (allowed)', head('GET', '/api/plain/h', [], 'HTTP/1.0', null), forwardedOr(400)],
  ['an empty Host', head('GET', '/api/plain/h', [], 'HTTP/1.1', ''), forwardedOr(400)],
  ['a Host with a path in it', head('GET', '/api/plain/h', [], 'HTTP/1.1', 'evil.example/admin'), forwardedOr(400, exactlyOne('host'))],
  ['a Host with userinfo', head('GET', '/api/plain/h', [], 'HTTP/1.1', 'user@evil.example'), forwardedOr(400, exactlyOne('host'))],
  ['two different Authorization fields', head('GET', '/api/plain/h', ['Authorization: Bearer a', 'Authorization: Bearer b']), refused()],
  ['two equal Authorization fields: refused, or forwarded as one', head('GET', '/api/plain/h', ['Authorization: Bearer a', 'Authorization: Bearer a']), forwardedOr(400, exactlyOne('authorization'))],
  ['Authorization and authorization', head('GET', '/api/plain/h', ['Authorization: Bearer a', 'authorization: Basic Yjpj']), refused()],
  ['two different Content-Length fields on GET', head('GET', '/api/plain/h', ['Content-Length: 0', 'Content-Length: 3']) + 'abc', refused()],
  ['two X-Request-Id fields: one id upstream', head('GET', '/api/plain/h', ['X-Request-Id: a', 'X-Request-Id: b']), forwardedOr(400, exactlyOne('x-request-id'))],
  ['an overlong X-Request-Id is replaced', head('GET', '/api/plain/h', [`X-Request-Id: ${'r'.repeat(300)}`]), forwarded((r) => (r.header('x-request-id')[0]?.length ?? 0) <= 128 ? [] : ['upstream: the overlong request id was kept'])],
];

const hopByHop: Case[] = [
  ['Connection: x-forwarded-for cannot remove the gateway\'s own', head('GET', '/api/plain/h', ['Connection: x-forwarded-for']), forwardedOr(400, onlyGatewayForwarding)],
  ['Connection: x-request-id cannot remove the request id', head('GET', '/api/plain/h', ['Connection: x-request-id']), forwardedOr(400, exactlyOne('x-request-id'))],
  ['Connection: upgrade with Upgrade: websocket', head('GET', '/api/plain/h', ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13']), forwardedOr([400, 501], (r) => [...absent('upgrade')(r), ...(/upgrade/i.test(r.header('connection').join()) ? ['upstream: Connection still names upgrade'] : [])])],
  ['Upgrade: h2c with HTTP2-Settings', head('GET', '/api/plain/h', ['Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA']), forwardedOr([400, 501], absent('upgrade', 'http2-settings'))],
  ['TE, Keep-Alive, Proxy-Connection, Trailer are dropped', head('GET', '/api/plain/h', ['TE: trailers', 'Keep-Alive: timeout=99', 'Proxy-Connection: keep-alive', 'Trailer: X-Sum']), forwarded(absent('te', 'keep-alive', 'proxy-connection', 'trailer'))],
  ['a field named in Connection is dropped', head('GET', '/api/plain/h', ['Connection: X-Secret', 'X-Secret: hunter2']), forwarded(absent('x-secret'))],
  ['x-strangler-* from a client never reaches an upstream (no forged shadow marker)', head('GET', '/api/plain/h', ['X-Strangler-Shadow: 1', 'X-Strangler-Target: new']), forwarded(absent('x-strangler-shadow', 'x-strangler-target'))],
];

const FORWARDING = ['X-Forwarded-Prefix: /admin', 'X-Forwarded-Port: 443', 'X-Forwarded-Scheme: https', 'X-Forwarded-Ssl: on', 'X-Forwarded-Server: evil', 'X-Forwarded-User: root', 'X-Real-IP: 10.0.0.1', 'X-Forwarded-Uri: /admin/routes', 'X-Forwarded-Client-Cert: Hash=1', 'x-FORWARDED-prefix: /x'];
const forwardingFields: Case[] = [
  ...FORWARDING.map((line): Case => [`client-sent ${line.split(':')[0]} is dropped`, head('GET', '/api/plain/h', [line]), forwarded(onlyGatewayForwarding)]),
  ['client-sent X-Forwarded-For/Proto/Host and Forwarded are replaced', head('GET', '/api/plain/h', ['X-Forwarded-For: 6.6.6.6', 'X-Forwarded-Proto: https', 'X-Forwarded-Host: evil.example', 'Forwarded: for=6.6.6.6']), forwarded(onlyGatewayForwarding)],
  ['two client X-Forwarded-For fields are replaced', head('GET', '/api/plain/h', ['X-Forwarded-For: 6.6.6.6', 'X-Forwarded-For: 7.7.7.7']), forwarded(onlyGatewayForwarding)],
  ['forwarding fields on the translated-response route', head('GET', '/api/v2/products/2', ['X-Forwarded-Prefix: /admin', 'X-Real-IP: 10.0.0.1']), forwarded(onlyGatewayForwarding)],
  ['forwarding fields on the shadowed route', head('GET', '/api/shadowed/h', ['X-Forwarded-Prefix: /admin', 'X-Real-IP: 10.0.0.1']), forwarded(onlyGatewayForwarding)],
  ['forwarding fields on the composed route', head('GET', '/api/composed/7', ['X-Forwarded-Prefix: /admin', 'X-Real-IP: 10.0.0.1']), forwarded(onlyGatewayForwarding)],
];

const rows = (cases: readonly Case[]) => cases.map(([n, b, v]) => [n, b, v] as const);

describe('header abuse', () => {
  it.each(rows(countsAndSizes))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
  it.each(rows(duplicates))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
  it.each(rows(hopByHop))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
  it.each(rows(forwardingFields))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
});

describe('forwarding fields reach no upstream a request touches', () => {
  const spoofed = ['X-Forwarded-Prefix: /admin', 'X-Real-IP: 10.0.0.1'];
  it('the shadow copy does not carry them', async () => {
    const run = await runCase((c) => [head('GET', '/api/shadowed/h', spoofed), { until: () => c.fresh.headSeen() }]);
    expect(run.settled.fresh).toHaveLength(1);
    expect(run.settled.fresh.flatMap(absent('x-forwarded-prefix', 'x-real-ip'))).toEqual([]);
  });
  it('an optional part does not carry them', async () => {
    const run = await runCase(head('GET', '/api/composed/7', spoofed));
    expect(run.settled.parts).toHaveLength(1);
    expect(run.settled.parts.flatMap(absent('x-forwarded-prefix', 'x-real-ip'))).toEqual([]);
  });
});
