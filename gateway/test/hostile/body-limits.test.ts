import { BODY_LIMIT, check, ORDER_CREATE, runCase, judge, type Verdict } from '../kit/hostile-stack';
import type { Piece } from '../kit/raw-client';
import type { RecordedRequest } from '../kit/recording-upstream';

/**
 * Request bodies: the size limit (declared and streamed), Expect: 100-continue, slow uploads,
 * and the translated-request route, which reads the body whole and sends the upstream a new one.
 */

const head = (method: string, path: string, lines: readonly string[]) => `${method} ${path} HTTP/1.1\r\nHost: gw\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
const chunk = (body: string) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`;

const tooLarge: Verdict = { kind: 'refused', status: 413 };
/** A streamed body found too large: 413 (or a close), and at most a cut-off request upstream. */
const tooLargeMidBody: Verdict = { kind: 'refused', status: 413, partialUpstreamAllowed: true, silentCloseAllowed: true };
const posted = (body: string, target?: string): Verdict => ({ kind: 'forwarded', method: 'POST', body, ...(target ? { target } : {}) });
const refusedKeepOpen = (status: number): Verdict => ({ kind: 'refused', status, keepOpen: true });

/** The legacy body create-to-legacy makes of ORDER_CREATE, framed by a length. */
const legacyOrder = (r: RecordedRequest): string[] => {
  const out: string[] = [];
  if (r.framing !== 'content-length') out.push(`upstream: a translated body framed by ${r.framing}`);
  try {
    const body = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
    if (body['CUST_ID'] !== 1 || !Array.isArray(body['LINES'])) out.push(`upstream: not the legacy order: ${r.body.toString('utf8')}`);
  } catch {
    out.push(`upstream: not JSON: ${r.body.toString('latin1').slice(0, 80)}`);
  }
  return out;
};
const translatedOrder: Verdict = { kind: 'forwarded', method: 'POST', target: '/api/orders', upstream: legacyOrder };

type Case = readonly [name: string, pieces: string | readonly Piece[], verdict: Verdict];

const BIG = 'b'.repeat(BODY_LIMIT + 1);
const AT_LIMIT = 'a'.repeat(BODY_LIMIT);

const limits: Case[] = [
  ['a declared length one over the limit', head('POST', '/api/plain/up', [`Content-Length: ${BIG.length}`]) + BIG, tooLarge],
  ['a declared length of exactly the limit is forwarded', head('POST', '/api/plain/up', [`Content-Length: ${AT_LIMIT.length}`]) + AT_LIMIT, posted(AT_LIMIT)],
  ['a chunked body that grows past the limit', head('POST', '/api/plain/up', ['Transfer-Encoding: chunked']) + chunk(BIG.slice(0, 200_000)) + chunk(BIG.slice(200_000)) + '0\r\n\r\n', tooLargeMidBody],
  ['a chunked body of exactly the limit is forwarded', head('POST', '/api/plain/up', ['Transfer-Encoding: chunked']) + chunk(AT_LIMIT) + '0\r\n\r\n', posted(AT_LIMIT)],
  ['a declared length over the limit on the translated-request route', head('POST', '/api/v2/orders/', ['Content-Type: application/json', `Content-Length: ${BIG.length}`]) + BIG, tooLarge],
  ['a chunked body past the limit on the translated-request route', head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Transfer-Encoding: chunked']) + chunk(BIG) + '0\r\n\r\n', { kind: 'refused', status: 413, silentCloseAllowed: true }],
  ['a declared length over the limit on the shadowed route', head('POST', '/api/shadowed/up', [`Content-Length: ${BIG.length}`]) + BIG, tooLarge],
  ['a GET declaring a body over the limit', head('GET', '/api/plain/up', [`Content-Length: ${BIG.length}`]) + BIG, tooLarge],
];

const expect100: Case[] = [
  ['Expect: 100-continue with a length over the limit', head('POST', '/api/plain/up', ['Expect: 100-continue', `Content-Length: ${BIG.length}`]), tooLarge],
  ['Expect: 100-continue on the translated route, length over the limit', head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Expect: 100-continue', `Content-Length: ${BIG.length}`]), tooLarge],
  ['Expect: 100-continue with Connection: content-length', head('POST', '/api/plain/up', ['Expect: 100-continue', 'Content-Length: 5', 'Connection: content-length']), { kind: 'refused', status: 400 }],
  ['Expect: 100-continue, body after the 100', [head('POST', '/api/plain/up', ['Expect: 100-continue', 'Content-Length: 5']), { interims: 1 }, 'hello'], posted('hello')],
  ['Expect: 100-continue, body at once without waiting', head('POST', '/api/plain/up', ['Expect: 100-continue', 'Content-Length: 5']) + 'hello', posted('hello')],
  ['Expect: 100-continue on the translated route, body after the 100', [head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Expect: 100-continue', `Content-Length: ${ORDER_CREATE.length}`]), { interims: 1 }, ORDER_CREATE], translatedOrder],
  ['an unknown expectation', head('POST', '/api/plain/up', ['Expect: teapot', 'Content-Length: 5']) + 'hello', { kind: 'refused', status: 417, keepOpen: true, partialUpstreamAllowed: false }],
];

const slow: Case[] = [
  ['a body in five slow pieces', [head('POST', '/api/plain/up', ['Content-Length: 10']), 'he', { pauseMs: 30 }, 'll', { pauseMs: 30 }, 'ow', { pauseMs: 30 }, 'or', { pauseMs: 30 }, 'ld'], posted('helloworld')],
  ['chunks split mid-size-line and mid-CRLF', [head('POST', '/api/plain/up', ['Transfer-Encoding: chunked']), '5', { pauseMs: 30 }, '\r', { pauseMs: 30 }, '\nhel', { pauseMs: 30 }, 'lo\r', { pauseMs: 30 }, '\n0\r\n', { pauseMs: 30 }, '\r\n'], posted('hello')],
  ['a head in slow pieces', ['POST /api/pl', { pauseMs: 30 }, 'ain/up HTTP/1.1\r\nHo', { pauseMs: 30 }, 'st: gw\r\nContent-Len', { pauseMs: 30 }, 'gth: 5\r\n\r', { pauseMs: 30 }, '\nhello'], posted('hello')],
  ['a translated write in slow pieces', [head('POST', '/api/v2/orders/', ['Content-Type: application/json', `Content-Length: ${ORDER_CREATE.length}`]), ORDER_CREATE.slice(0, 10), { pauseMs: 30 }, ORDER_CREATE.slice(10, 30), { pauseMs: 30 }, ORDER_CREATE.slice(30)], translatedOrder],
];

const translatedWrites: Case[] = [
  ['a translated write is sent with one length', head('POST', '/api/v2/orders/', ['Content-Type: application/json', `Content-Length: ${ORDER_CREATE.length}`]) + ORDER_CREATE, translatedOrder],
  ['a chunked translated write is sent with one length', head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Transfer-Encoding: chunked']) + chunk(ORDER_CREATE) + '0\r\n\r\n', translatedOrder],
  ['invalid JSON', head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Content-Length: 8']) + '{"custom', refusedKeepOpen(400)],
  ['a body that is not JSON at all', head('POST', '/api/v2/orders/', ['Content-Type: text/plain', `Content-Length: ${ORDER_CREATE.length}`]) + ORDER_CREATE, refusedKeepOpen(400)],
  ['JSON with a __proto__ key', head('POST', '/api/v2/orders/', ['Content-Type: application/json', 'Content-Length: 62']) + '{"__proto__":{"polluted":1},"customerId":1,"lines":[]}'.padEnd(62), { kind: 'either', forwarded: { kind: 'forwarded', method: 'POST', upstream: (r) => (r.body.toString('utf8').includes('polluted') ? ['upstream: __proto__ passed through'] : []) }, refused: { kind: 'refused', status: [400, 422], keepOpen: true } }],
];

describe('request bodies', () => {
  it.each([...limits, ...expect100, ...slow, ...translatedWrites].map(([n, p, v]) => [n, p, v] as const))('%s', async (_n, pieces, verdict) => {
    expect(await check(verdict, typeof pieces === 'string' ? pieces : [...pieces])).toEqual([]);
  });

  it.each([
    ['on the plain route', '/api/plain/up', []],
    ['on the translated-request route', '/api/v2/orders/', ['Content-Type: application/json']],
  ] as const)('Expect: 100-continue with a length over the limit gets no 100 Continue first (%s)', async (_n, path, lines) => {
    const run = await runCase(head('POST', path, [...lines, 'Expect: 100-continue', `Content-Length: ${BIG.length}`]));
    expect(judge(tooLarge, run)).toEqual([]);
    expect(run.client.interim.map((i) => i.status)).toEqual([]);
  });
});
