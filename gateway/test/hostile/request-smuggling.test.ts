import { check, runCase, ROUTES, startHostileCase, type Verdict } from '../kit/hostile-stack';
import { rawExchange } from '../kit/raw-client';
import type { RawOptions } from '../kit/raw-client';

/**
 * Request smuggling and message framing (issue 13, fault 1): whatever framing a client sends, a
 * forwarded request carries its body with exactly one correct framing, `Connection` can never
 * strip the gateway's framing, and the upstream receives one request, never a second hidden in a
 * body. Bodies on GET/HEAD/DELETE/OPTIONS may be forwarded framed or refused with 400; both pass.
 */

/** A request that must never reach an upstream on its own. */
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: upstream\r\n\r\n';

const head = (method: string, path: string, lines: readonly string[], version = 'HTTP/1.1') => `${method} ${path} ${version}\r\nHost: gw\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
const chunk = (body: string) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`;
const chunked = (body: string) => `${chunk(body)}0\r\n\r\n`;

const forwarded = (method: string, body: string, target?: string | RegExp): Verdict => ({ kind: 'forwarded', method, body, ...(target !== undefined ? { target } : {}) });
const refused = (status: number | number[] = 400): Verdict => ({ kind: 'refused', status });
/** A body on a method without body semantics: forwarded framed, or refused; nothing else. */
const framedOr400 = (method: string, body: string, target?: string | RegExp): Verdict => ({
  kind: 'either',
  forwarded: { kind: 'forwarded', method, body, ...(target !== undefined ? { target } : {}) },
  refused: { kind: 'refused', status: 400 },
});
/** Refused, though part of a streamed body may have reached the upstream before the bad bytes (cut off, never completed). */
const refusedMidBody = (status: number | number[] = 400): Extract<Verdict, { kind: 'refused' }> => ({ kind: 'refused', status, partialUpstreamAllowed: true, silentCloseAllowed: true });
/** Forwarded whole, or refused mid-body. */
const postOrMidBody = (body: string, status: number | number[] = 400): Verdict => ({ kind: 'either', forwarded: { kind: 'forwarded', method: 'POST', body }, refused: refusedMidBody(status) });

type Case = readonly [name: string, bytes: string, verdict: Verdict, options?: RawOptions];

const BODILESS_METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS'] as const;
const BODY_METHODS = ['POST', 'PUT', 'PATCH'] as const;
const headOpts = (method: string): RawOptions | undefined => (method === 'HEAD' ? { headResponse: () => true } : undefined);

const smuggledInBody: Case[] = [
  ...BODILESS_METHODS.flatMap((m): Case[] => [
    [`${m} + Transfer-Encoding: chunked, a request as the body`, head(m, '/api/plain/a', ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400(m, SMUGGLED, '/api/plain/a'), headOpts(m)],
    [`${m} + Content-Length, a request as the body`, head(m, '/api/plain/a', [`Content-Length: ${SMUGGLED.length}`]) + SMUGGLED, framedOr400(m, SMUGGLED, '/api/plain/a'), headOpts(m)],
  ]),
  ...BODY_METHODS.flatMap((m): Case[] => [
    [`${m} + Transfer-Encoding: chunked, a request as the body`, head(m, '/api/plain/a', ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), forwarded(m, SMUGGLED, '/api/plain/a')],
    [`${m} + Content-Length, a request as the body`, head(m, '/api/plain/a', [`Content-Length: ${SMUGGLED.length}`]) + SMUGGLED, forwarded(m, SMUGGLED, '/api/plain/a')],
  ]),
];

/** Connection naming a framing header (or Host) would strip what the gateway relies on: always 400. */
const connectionStrips: Case[] = [
  ...[...BODILESS_METHODS, ...BODY_METHODS].flatMap((m): Case[] => [
    [`${m} + Content-Length + Connection: content-length`, head(m, '/api/plain/a', [`Content-Length: ${SMUGGLED.length}`, 'Connection: content-length']) + SMUGGLED, refused(), headOpts(m)],
    [`${m} + chunked + Connection: transfer-encoding`, head(m, '/api/plain/a', ['Transfer-Encoding: chunked', 'Connection: transfer-encoding']) + chunked(SMUGGLED), refused(), headOpts(m)],
  ]),
  ['GET + Connection: host', head('GET', '/api/plain/a', ['Connection: host']), refused()],
  ['GET + Connection: Content-Length (other case), keep-alive', head('GET', '/api/plain/a', [`Content-Length: ${SMUGGLED.length}`, 'Connection: keep-alive, Content-Length']) + SMUGGLED, refused()],
  ['GET + two Connection headers, the second naming content-length', head('GET', '/api/plain/a', [`Content-Length: ${SMUGGLED.length}`, 'Connection: keep-alive', 'Connection: content-length']) + SMUGGLED, refused()],
  ['POST + Connection: close,transfer-encoding (no spaces)', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked', 'Connection: close,transfer-encoding']) + chunked(SMUGGLED), refused()],
];

/** 70 KB: larger than the 64 KiB replay buffer, so the body streams instead of being buffered and re-framed. */
const BIG = SMUGGLED + 'x'.repeat(70_000 - SMUGGLED.length);
const bigBodies: Case[] = [
  ['GET, 70 KB body, Content-Length + Connection: content-length', head('GET', '/api/plain/big', [`Content-Length: ${BIG.length}`, 'Connection: content-length']) + BIG, refused()],
  ['GET, 70 KB body, Content-Length', head('GET', '/api/plain/big', [`Content-Length: ${BIG.length}`]) + BIG, framedOr400('GET', BIG)],
  ['GET, 70 KB body, chunked', head('GET', '/api/plain/big', ['Transfer-Encoding: chunked']) + chunked(BIG), framedOr400('GET', BIG)],
  ['DELETE, 70 KB body, chunked', head('DELETE', '/api/plain/big', ['Transfer-Encoding: chunked']) + chunked(BIG), framedOr400('DELETE', BIG)],
  ['POST, 70 KB body in 4 chunks', head('POST', '/api/plain/big', ['Transfer-Encoding: chunked']) + [0, 1, 2, 3].map((i) => chunk(BIG.slice(i * 17_500, (i + 1) * 17_500))).join('') + '0\r\n\r\n', forwarded('POST', BIG)],
];

/** Bodies on methods without body semantics, on every route kind. */
const everyRouteKind: Case[] = [
  ['GET + chunked on the translated-response route', head('GET', `${ROUTES.translatedResponse}/2`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400('GET', SMUGGLED, '/api/products/2')],
  ['GET + chunked on the translated-request route', head('GET', `${ROUTES.translatedRequest}/301`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400('GET', SMUGGLED, '/api/orders/301')],
  ['GET + chunked on the shadowed route', head('GET', `${ROUTES.shadowed}/s`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400('GET', SMUGGLED, '/api/shadowed/s')],
  ['GET + chunked on the composed route', head('GET', `${ROUTES.composed}/7`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400('GET', SMUGGLED, '/api/composed/7')],
  ['GET + chunked on the catch-all', head('GET', `${ROUTES.catchAll}/c`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), framedOr400('GET', SMUGGLED, '/misc/c')],
  ['OPTIONS + Content-Length on the shadowed route', head('OPTIONS', `${ROUTES.shadowed}/s`, [`Content-Length: ${SMUGGLED.length}`]) + SMUGGLED, framedOr400('OPTIONS', SMUGGLED, '/api/shadowed/s')],
  ['POST + chunked on the shadowed route (writes mirrored)', head('POST', `${ROUTES.shadowed}/s`, ['Transfer-Encoding: chunked']) + chunked(SMUGGLED), forwarded('POST', SMUGGLED, '/api/shadowed/s')],
];

/** Content-Length and Transfer-Encoding together, and Transfer-Encoding spellings: one reading only, or 400. */
const clTe: Case[] = [
  ['CL + TE: chunked (CL.TE)', head('POST', '/api/plain/a', ['Content-Length: 5', 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + SMUGGLED, refused()],
  ['TE: chunked + CL (TE.CL)', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked', `Content-Length: ${chunked(SMUGGLED).length}`]) + chunked(SMUGGLED), refused()],
  ['TE: chunked + CL: 0', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked', 'Content-Length: 0']) + chunked('hello'), refused()],
  ['TE: Chunked (case)', head('POST', '/api/plain/a', ['Transfer-Encoding: Chunked']) + chunked('hello'), refused()],
  ['TE: chunked, chunked', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked, chunked']) + chunked('hello'), refused()],
  ['TE: gzip, chunked', head('POST', '/api/plain/a', ['Transfer-Encoding: gzip, chunked']) + chunked('hello'), refused()],
  ['TE: chunked, identity', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked, identity']) + chunked('hello'), refused()],
  ['TE: identity', head('POST', '/api/plain/a', ['Transfer-Encoding: identity', 'Content-Length: 5']) + 'hello', refused()],
  ['TE: xchunked', head('POST', '/api/plain/a', ['Transfer-Encoding: xchunked']) + chunked('hello'), refused()],
  ['two TE headers', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']) + chunked('hello'), refused()],
  ['TE with a vertical tab before chunked', head('POST', '/api/plain/a', ['Transfer-Encoding: \x0bchunked']) + chunked('hello'), refused()],
  ['TE with a space before the colon', head('POST', '/api/plain/a', ['Transfer-Encoding : chunked']) + chunked('hello'), refused()],
  ['TE folded onto a second line (obs-fold)', head('POST', '/api/plain/a', ['Transfer-Encoding:', ' chunked']) + chunked('hello'), refused()],
  ['TE: " chunked" (leading space is whitespace, so plain chunked)', head('POST', '/api/plain/a', ['Transfer-Encoding:  chunked']) + chunked('hello'), forwarded('POST', 'hello')],
  ['HTTP/1.0 + TE: chunked', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked'], 'HTTP/1.0') + chunked('hello'), refused()],
  ['HTTP/1.0 + TE: chunked on GET, a request as the body', head('GET', '/api/plain/a', ['Transfer-Encoding: chunked'], 'HTTP/1.0') + chunked(SMUGGLED), refused()],
  ['HTTP/1.0 + Content-Length', head('POST', '/api/plain/a', ['Content-Length: 5'], 'HTTP/1.0') + 'hello', forwarded('POST', 'hello')],
];

/** Content-Length spellings: one decimal length, or 400. */
const contentLength: Case[] = [
  ['two different Content-Lengths', head('POST', '/api/plain/a', ['Content-Length: 5', 'Content-Length: 6']) + 'hello!', refused()],
  ['Content-Length: 5, 6 (a list)', head('POST', '/api/plain/a', ['Content-Length: 5, 6']) + 'hello!', refused()],
  ['two equal Content-Lengths', head('POST', '/api/plain/a', ['Content-Length: 5', 'Content-Length: 5']) + 'hello', { kind: 'either', forwarded: { kind: 'forwarded', method: 'POST', body: 'hello' }, refused: { kind: 'refused', status: 400 } }],
  ['Content-Length: +5', head('POST', '/api/plain/a', ['Content-Length: +5']) + 'hello', refused()],
  ['Content-Length: -1', head('POST', '/api/plain/a', ['Content-Length: -1']) + 'hello', refused()],
  ['Content-Length: 0x5', head('POST', '/api/plain/a', ['Content-Length: 0x5']) + 'hello', refused()],
  ['Content-Length: 5.0', head('POST', '/api/plain/a', ['Content-Length: 5.0']) + 'hello', refused()],
  ['Content-Length: empty', head('POST', '/api/plain/a', ['Content-Length:']) + 'hello', refused()],
  ['Content-Length: 20 digits', head('POST', '/api/plain/a', ['Content-Length: 99999999999999999999']) + 'hello', refused([400, 413])],
  ['Content-Length folded onto a second line (obs-fold)', head('POST', '/api/plain/a', ['Content-Length:', ' 5']) + 'hello', refused()],
  ['Content-Length: 005 (leading zeros are still 5)', head('POST', '/api/plain/a', ['Content-Length: 005']) + 'hello', { kind: 'either', forwarded: { kind: 'forwarded', method: 'POST', body: 'hello' }, refused: { kind: 'refused', status: 400 } }],
];

/** Chunk extensions, trailers and bad chunk sizes. */
const chunks: Case[] = [
  ['chunk extension', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5;name=value\r\nhello\r\n0\r\n\r\n', forwarded('POST', 'hello')],
  ['quoted chunk extension', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5;name="a;b"\r\nhello\r\n0\r\n\r\n', postOrMidBody('hello')],
  ['20 KB chunk extension', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + `5;x=${'a'.repeat(20_000)}\r\nhello\r\n0\r\n\r\n`, postOrMidBody('hello', [400, 413])],
  ['trailer field', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n', forwarded('POST', 'hello')],
  ['trailer that claims a Content-Length', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + `5\r\nhello\r\n0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n`, postOrMidBody('hello')],
  ['chunk size G', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + 'G\r\nhello\r\n0\r\n\r\n', refusedMidBody()],
  ['chunk size -5', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '-5\r\nhello\r\n0\r\n\r\n', refusedMidBody()],
  ['chunk size 0x5', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '0x5\r\nhello\r\n0\r\n\r\n', refusedMidBody()],
  ['chunk size overflowing 64 bits', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '1FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n', refusedMidBody([400, 413])],
  ['chunk shorter than its size, then the client half-closes', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + `80\r\nhello\r\n0\r\n\r\n${SMUGGLED}`, refusedMidBody(), { endAfterWrite: true }],
  ['Content-Length longer than the body, then the client half-closes', head('POST', '/api/plain/a', ['Content-Length: 100']) + SMUGGLED, refusedMidBody(), { endAfterWrite: true }],
  ['chunk data not followed by CRLF', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5\r\nhelloXX0\r\n\r\n', refusedMidBody()],
  ['chunk size with a space before CRLF', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5 \r\nhello\r\n0\r\n\r\n', postOrMidBody('hello')],
  ['chunks with bare LF line ends', head('POST', '/api/plain/a', ['Transfer-Encoding: chunked']) + '5\nhello\n0\n\n', postOrMidBody('hello')],
];

/** What follows a request on the same connection. */
const sequences: Case[] = [
  ['a request behind a refused TE is never forwarded', head('POST', '/api/plain/a', ['Transfer-Encoding: gzip, chunked']) + chunked('hello') + head('GET', '/api/plain/second', []), refused(), { responses: 2 }],
  ['a request behind CL + TE is never forwarded', head('POST', '/api/plain/a', ['Content-Length: 4', 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + head('GET', '/api/plain/second', []), refused(), { responses: 2 }],
  ['a request behind a duplicate Host is never forwarded', head('GET', '/api/plain/a', ['Host: other']) + head('GET', '/api/plain/second', []), refused(), { responses: 2 }],
  ['a request behind Connection: content-length is never forwarded', head('GET', '/api/plain/a', ['Content-Length: 3', 'Connection: content-length']) + 'abc' + head('GET', '/api/plain/second', []), refused(), { responses: 2 }],
  ['a complete POST, then bytes that are no request', head('POST', '/api/plain/a', ['Content-Length: 5']) + 'hello' + 'NOT HTTP AT ALL\r\n\r\n', { kind: 'consistent', method: 'POST' }, { responses: 2 }],
  ['a complete POST, then a bad request line', head('POST', '/api/plain/a', ['Content-Length: 5']) + 'hello' + 'GET /x HTTP/9.9 extra\r\n\r\n', { kind: 'consistent', method: 'POST' }, { responses: 2 }],
  ['a POST under a misspelt Transfer_Encoding (its chunks are no request)', head('POST', '/api/plain/a', ['Transfer_Encoding: chunked']) + chunked('hello'), { kind: 'consistent', method: 'POST' }, { responses: 2 }],
];

/** Methods and request lines. */
const requestLines: Case[] = [
  ['TRACE is refused at the edge', head('TRACE', '/api/plain/a', []), { kind: 'refused', status: 405, keepOpen: true }],
  ['TRACE with Max-Forwards on the catch-all', head('TRACE', '/misc/a', ['Max-Forwards: 0']), { kind: 'refused', status: 405, keepOpen: true }],
  ['CONNECT to a host (no tunnel: refused or closed)', 'CONNECT upstream.internal:22 HTTP/1.1\r\nHost: upstream.internal:22\r\n\r\n', { kind: 'refused', status: [400, 405], silentCloseAllowed: true }],
  ['lower-case method', head('get', '/api/plain/a', []), refused([400, 405, 501])],
  ['unknown method', head('BREW', '/api/plain/a', []), refused([400, 405, 501])],
  ['HTTP/0.9 request line', 'GET /api/plain/a\r\n\r\n', refused([400, 505])],
  ['HTTP/2 preface on an HTTP/1 listener', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', refused([400, 505])],
  ['two spaces in the request line (parsed on word boundaries, or refused)', 'GET  /api/plain/a HTTP/1.1\r\nHost: gw\r\n\r\n', { kind: 'either', forwarded: { kind: 'forwarded', method: 'GET', target: '/api/plain/a' }, refused: { kind: 'refused', status: 400 } }],
  ['a NUL in a header value', head('GET', '/api/plain/a', ['X-Note: a\x00b']), refused()],
  ['a CR alone inside a header value', head('GET', '/api/plain/a', ['X-Note: a\rb']), refused()],
  ['a folded ordinary header (obs-fold)', head('GET', '/api/plain/a', ['X-Note: a', ' b']), { kind: 'either', forwarded: { kind: 'forwarded', method: 'GET' }, refused: { kind: 'refused', status: 400 } }],
  ['bare LF line ends throughout', 'POST /api/plain/a HTTP/1.1\nHost: gw\nContent-Length: 5\n\nhello', { kind: 'either', forwarded: { kind: 'forwarded', method: 'POST', body: 'hello' }, refused: { kind: 'refused', status: 400 } }],
];

/** Every row gets its options (jest.each reads a shorter row as a `done`-callback test). */
const rows = (cases: readonly Case[]) => cases.map(([name, bytes, verdict, options]) => [name, bytes, verdict, options ?? {}] as const);

describe('request smuggling and framing', () => {
  it.each(rows([...smuggledInBody, ...connectionStrips, ...bigBodies, ...everyRouteKind]))('%s', async (_name, bytes, verdict, options) => {
    expect(await check(verdict, bytes, options)).toEqual([]);
  });

  it.each(rows([...clTe, ...contentLength, ...chunks]))('%s', async (_name, bytes, verdict, options) => {
    expect(await check(verdict, bytes, options)).toEqual([]);
  });

  it.each(rows([...sequences, ...requestLines]))('%s', async (_name, bytes, verdict, options) => {
    expect(await check(verdict, bytes, options)).toEqual([]);
  });

  it('two pipelined requests, then bytes that are no request: every request the upstream executed was answered and logged', async () => {
    const run = await runCase(head('GET', '/api/plain/one', []) + head('GET', '/api/plain/two', []) + 'NOT HTTP\r\n\r\n', { responses: 3 });
    expect(run.settled.violations).toEqual([]);
    const executed = run.settled.legacy.map((r) => r.target);
    // Each executed request's answer reached the client, in order, before any refusal.
    expect(run.client.responses.slice(0, executed.length).map((r) => r.status)).toEqual(executed.map(() => 200));
  });

  it('pipelined requests, the client leaves before the first answer: every request the upstream received is logged', async () => {
    const c = await startHostileCase();
    await rawExchange(c.port, [head('GET', '/api/plain/hold', []) + head('GET', '/api/plain/second', []), { until: () => c.legacy.next((r) => r.target === '/api/plain/second') }], { abort: 'destroy' });
    const s = await c.settle();
    expect(s.violations).toEqual([]);
  });

  it('two pipelined requests are both forwarded and answered in order', async () => {
    const run = await runCase(head('GET', '/api/plain/one', []) + head('GET', '/api/plain/two', []), { responses: 2 });
    expect(run.settled.violations).toEqual([]);
    expect(run.client.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(run.client.responses.map((r) => (r.json() as { target: string }).target)).toEqual(['/api/plain/one', '/api/plain/two']);
    expect(run.settled.legacy.map((r) => r.target)).toEqual(['/api/plain/one', '/api/plain/two']);
  });
});
