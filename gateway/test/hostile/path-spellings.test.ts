import { check, type Verdict } from '../kit/hostile-stack';
import type { RecordedRequest } from '../kit/recording-upstream';

/**
 * Request targets: traversal, encodings, absolute-form and length. A target is normalised once,
 * routed by its normal form and forwarded in it: an upstream never sees a dot segment, an encoded
 * separator or an authority the client chose, and a target the gateway cannot read is refused.
 */

const get = (target: string, version = 'HTTP/1.1') => `GET ${target} ${version}\r\nHost: gw\r\n\r\n`;

/** No dot segment, encoded separator or backslash reaches the upstream, in any spelling it might decode. */
const clean = (r: RecordedRequest): string[] => {
  const path = r.target.split('?')[0] ?? '';
  const out: string[] = [];
  if (path.split('/').some((s) => s === '.' || s === '..' || /^(%2e|\.){1,2}$/i.test(s))) out.push(`upstream: dot segment in ${r.target}`);
  if (/%2f|%5c|%00|\\/i.test(path)) out.push(`upstream: encoded separator or backslash in ${r.target}`);
  return out;
};
/** The upstream's own authority as Host, never the one in an absolute-form target. */
const ownHost = (r: RecordedRequest): string[] => (/^127\.0\.0\.1:\d+$/.test(r.header('host').join()) ? [] : [`upstream: Host ${JSON.stringify(r.header('host'))}`]);

const to = (target: string | RegExp, also?: (r: RecordedRequest) => string[]): Verdict => ({ kind: 'forwarded', method: 'GET', target, upstream: (r) => [...clean(r), ...(also ? also(r) : [])] });
const refused = (status: number | number[] = 400, keepOpen = true): Verdict => ({ kind: 'refused', status, keepOpen });
const toOr400 = (target: string | RegExp): Verdict => ({ kind: 'either', forwarded: { kind: 'forwarded', method: 'GET', target, upstream: clean }, refused: { kind: 'refused', status: 400, keepOpen: true } });

type Case = readonly [name: string, bytes: string | Buffer, verdict: Verdict];

const traversal: Case[] = [
  ['../ out of a route', get('/api/plain/../../etc/passwd'), to('/etc/passwd')],
  ['%2e%2e/ out of a route', get('/api/plain/%2e%2e/%2e%2e/etc/passwd'), to('/etc/passwd')],
  ['.%2e/ (mixed)', get('/api/plain/.%2e/x'), to('/api/x')],
  ['%2E%2E upper-case', get('/api/plain/%2E%2E/x'), to('/api/x')],
  ['./ segments', get('/api/./plain/./x'), to('/api/plain/x')],
  ['.. past the root', get('/../../../x'), to('/x')],
  ['..;/ (servlet path parameter)', get('/api/plain/..;/x'), refused()],
  ['..%3b/ (encoded path parameter)', get('/api/plain/..%3B/x'), refused()],
  ['%2f inside a segment', get('/api/plain/a%2f..%2fb'), refused()],
  ['%5c inside a segment', get('/api/plain/a%5c..%5cb'), refused()],
  ['a raw backslash', get('/api/plain/a\\..\\b'), refused()],
  ['%00 in the path', get('/api/plain/a%00.json'), refused()],
  ['a bad percent escape', get('/api/plain/%zz'), refused()],
  ['a fragment in the target', get('/api/plain/x#frag'), refused()],
  ['double slashes', get('//api//plain//x'), to('/api/plain/x')],
  ['double-encoded dots stay encoded', get('/api/plain/%252e%252e/x'), to('/api/plain/%252e%252e/x')],
  ['overlong UTF-8 dots stay encoded', get('/api/plain/%c0%ae%c0%ae/x'), to(/^\/api\/plain\/%C0%AE%C0%AE\/x$/i)],
  ['a dot-segment escape out of a rewritten route', get('/api/v2/products/../../plain/x'), to('/api/plain/x')],
  ['an encoded slash inside a rewritten route parameter', get('/api/v2/products/2%2f..%2f..%2fadmin'), refused()],
  ['a query with dots is left alone', get('/api/plain/x?next=../../admin'), to('/api/plain/x?next=../../admin')],
  ['a path parameter that is not a dot segment passes as sent', get('/api/plain/x;jsessionid=1'), to('/api/plain/x;jsessionid=1')],
];

const forms: Case[] = [
  ['absolute-form routes by its path, never its authority', get('http://evil.example/api/plain/x'), to('/api/plain/x', ownHost)],
  ['absolute-form https', get('https://evil.example:8443/api/plain/x'), to('/api/plain/x', ownHost)],
  ['absolute-form with userinfo', get('http://user:pw@evil.example/api/plain/x'), toOr400('/api/plain/x')],
  ['absolute-form with no path', get('http://evil.example'), toOr400('/')],
  ['absolute-form with dot segments', get('http://evil.example/api/plain/../../x'), to('/x', ownHost)],
  ['an ftp: target', get('ftp://evil.example/x'), refused()],
  ['authority-form on GET', get('evil.example:80'), refused()],
  ['asterisk-form OPTIONS', 'OPTIONS * HTTP/1.1\r\nHost: gw\r\n\r\n', refused([400, 404])],
  ['a raw space in the target', 'GET /api/plain/a b HTTP/1.1\r\nHost: gw\r\n\r\n', refused(400, false)],
  ['a raw tab in the target', 'GET /api/plain/a\tb HTTP/1.1\r\nHost: gw\r\n\r\n', { kind: 'either', forwarded: { kind: 'forwarded', method: 'GET', upstream: (r) => (/\t/.test(r.target) ? ['upstream: a raw tab in the target'] : []) }, refused: { kind: 'refused', status: 400 } }],
  ['raw UTF-8 bytes in the target', Buffer.from('GET /api/plain/caf\xc3\xa9 HTTP/1.1\r\nHost: gw\r\n\r\n', 'latin1'), { kind: 'either', forwarded: { kind: 'forwarded', method: 'GET', upstream: (r) => (/[^\x21-\x7e]/.test(r.target) ? [`upstream: raw bytes in the target ${JSON.stringify(r.target)}`] : []) }, refused: { kind: 'refused', status: 400 } }],
];

const lengths: Case[] = [
  ['a target at the limit (8,192 bytes) is forwarded', get(`/api/plain/${'a'.repeat(8_192 - '/api/plain/'.length)}`), to(/^\/api\/plain\/a+$/)],
  ['a target one byte over the limit', get(`/api/plain/${'a'.repeat(8_193 - '/api/plain/'.length)}`), refused(414, true)],
  ['a 70 KB target', get(`/api/plain/${'a'.repeat(70_000)}`), refused([414, 431], true)],
  ['a 200 KB target (past the parser limit)', get(`/api/plain/${'a'.repeat(200_000)}`), refused([414, 431], false)],
  ['10,000 segments of dots', get(`/api/plain/${'../'.repeat(10_000)}x`.slice(0, 8_000)), toOr400(/^\/[^.]*$/)],
];

const rows = (cases: readonly Case[]) => cases.map(([n, b, v]) => [n, b, v] as const);

describe('request target spellings', () => {
  it.each(rows(traversal))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
  it.each(rows([...forms, ...lengths]))('%s', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes)).toEqual([]);
  });
});
