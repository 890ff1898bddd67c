import { check, type Verdict } from '../kit/hostile-stack';

/**
 * The admin API's paths on the PUBLIC listener (issue 13, fault 4): every path the admin API
 * serves (/admin/routes…, /admin/history, /admin/shadow/…) is a 404 problem there and never
 * reaches an upstream, in any spelling: case, percent-encoding, dot segments, slashes, absolute-form.
 */

const req = (method: string, target: string) => `${method} ${target} HTTP/1.1\r\nHost: gw\r\n${method === 'POST' ? 'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' : '\r\n'}`;

const notFound: Verdict = { kind: 'refused', status: 404, keepOpen: true };
/** A spelling the normaliser refuses outright (an encoded slash) may be a 400 instead: still nothing upstream. */
const notFoundOr400: Verdict = { kind: 'refused', status: [400, 404], keepOpen: true };

const SERVED = ['/admin/routes', '/admin/routes/explain', '/admin/routes/v2.products/flip', '/admin/routes/v2.products/rollback', '/admin/history', '/admin/shadow/report', '/admin/shadow/anything'];

const spellings: [string, string, Verdict][] = [
  ...SERVED.map((p): [string, string, Verdict] => [`GET ${p}`, req('GET', p), notFound]),
  ['POST /admin/routes/v2.products/flip', req('POST', '/admin/routes/v2.products/flip'), notFound],
  ['HEAD /admin/shadow/report', req('HEAD', '/admin/shadow/report'), notFound],
  ['with a query', req('GET', '/admin/shadow/report?route=v2.products'), notFound],
  ['trailing slash', req('GET', '/admin/shadow/report/'), notFound],
  ['upper case', req('GET', '/ADMIN/SHADOW/REPORT'), notFound],
  ['mixed case', req('GET', '/Admin/Routes'), notFound],
  ['percent-encoded letter', req('GET', '/%61dmin/shadow/report'), notFound],
  ['percent-encoded letters, upper-case hex', req('GET', '/admin/%53HADOW/report'), notFound],
  ['double slash', req('GET', '//admin//shadow//report'), notFound],
  ['dot segment', req('GET', '/admin/./shadow/report'), notFound],
  ['dot-dot from elsewhere', req('GET', '/api/plain/../../admin/shadow/report'), notFound],
  ['encoded dot-dot from elsewhere', req('GET', '/api/%2e%2e/admin/history'), notFound],
  ['absolute-form', req('GET', 'http://gw/admin/shadow/report'), notFound],
  ['absolute-form upper case', req('GET', 'HTTP://GW/ADMIN/HISTORY'), notFound],
  ['matrix parameter on the last segment', req('GET', '/admin/shadow/report;x=1'), notFound],
  ['matrix parameter on the first segment', req('GET', '/admin;x=1/routes'), notFound],
  ['encoded slash inside', req('GET', '/admin%2fshadow/report'), notFoundOr400],
  ['encoded slash at the end', req('GET', '/admin/shadow/report%2F'), notFoundOr400],
  ['backslash', req('GET', '/admin\\shadow\\report'), notFoundOr400],
];

describe('admin paths on the public listener', () => {
  it.each(spellings)('%s → 404, nothing upstream', async (_n, bytes, verdict) => {
    expect(await check(verdict, bytes, bytes.startsWith('HEAD') ? { headResponse: () => true } : {})).toEqual([]);
  });
});
