import { Exchange } from '../../src/pipeline/exchange';
import { checkRequestHead, guardStage, PARSED_HEADER_CAP } from '../../src/pipeline/guards';
import { recordingResponse, requestHead, smallTable, type Head } from './kit';

/**
 * The refusals decided from the head alone (the hostile-input suite sends the same shapes over
 * real sockets; here each rule is pinned on its own).
 */
const limits = smallTable({ maxUrlBytes: 64, maxHeaderBytes: 1_024, maxHeaderCount: 16, maxBodyBytes: 1_000 }).limits;
const refusal = (head: Head) => checkRequestHead(requestHead(head), limits)?.code ?? null;
const withHost = (...raw: string[]) => ['Host', 'gw', ...raw];

describe('checkRequestHead', () => {
  it('accepts an ordinary request, and an HTTP/1.0 one without a Host', () => {
    expect(refusal({ raw: withHost('Accept', '*/*', 'Content-Length', '10') })).toBeNull();
    expect(refusal({ version: '1.0', raw: [] })).toBeNull();
  });

  it('refuses HTTP/0.9 and HTTP/2 heads, and an HTTP/1.1 request without a Host', () => {
    expect(refusal({ version: '0.9', raw: [] })).toBe('bad-request');
    expect(refusal({ version: '2.0' })).toBe('bad-request');
    expect(refusal({ raw: [] })).toBe('missing-host');
  });

  it('refuses a target over maxUrlBytes, not one at it', () => {
    expect(refusal({ url: `/${'a'.repeat(63)}` })).toBeNull();
    expect(refusal({ url: `/${'a'.repeat(64)}` })).toBe('uri-too-long');
  });

  it('refuses more fields than maxHeaderCount, and says "more than" for a head the parser cut at its cap', () => {
    const fields = (n: number) => withHost(...Array.from({ length: n - 1 }, (_, i) => [`X-F${i}`, 'v']).flat());
    expect(refusal({ raw: fields(16) })).toBeNull();
    expect(refusal({ raw: fields(17) })).toBe('headers-too-large');
    const cut = checkRequestHead(requestHead({ raw: fields(PARSED_HEADER_CAP) }), limits);
    expect(cut?.message).toMatch(/more than 1001 header fields/);
  });

  it('refuses a head over maxHeaderBytes', () => {
    expect(refusal({ raw: withHost('X-Big', 'v'.repeat(900)) })).toBeNull();
    expect(refusal({ raw: withHost('X-Big', 'v'.repeat(1_100)) })).toBe('headers-too-large');
  });

  it('refuses a second copy of a singleton field, whatever its case, but not of a list field', () => {
    expect(refusal({ raw: withHost('host', 'other') })).toBe('duplicate-host');
    expect(refusal({ raw: withHost('Content-Length', '1', 'content-length', '1') })).toBe('duplicate-header');
    expect(refusal({ raw: withHost('Authorization', 'a', 'AUTHORIZATION', 'b') })).toBe('duplicate-header');
    expect(refusal({ raw: withHost('Accept', 'a/b', 'Accept', 'c/d', 'Cookie', 'a=1', 'Cookie', 'b=2') })).toBeNull();
  });

  it('accepts exactly one "Transfer-Encoding: chunked" on HTTP/1.1, nothing else', () => {
    expect(refusal({ raw: withHost('Transfer-Encoding', 'chunked') })).toBeNull();
    expect(refusal({ raw: withHost('Transfer-Encoding', 'gzip, chunked') })).toBe('bad-transfer-encoding');
    expect(refusal({ raw: withHost('Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked') })).toBe('bad-transfer-encoding');
    expect(refusal({ raw: withHost('Transfer-Encoding', 'Chunked') })).toBe('bad-transfer-encoding');
    expect(refusal({ version: '1.0', raw: ['Transfer-Encoding', 'chunked'] })).toBe('bad-transfer-encoding');
  });

  it('refuses a Connection that names a field the gateway relies on, not one that names an ordinary field', () => {
    expect(refusal({ raw: withHost('Connection', 'keep-alive, Content-Length') })).toBe('bad-connection-header');
    expect(refusal({ raw: withHost('Connection', 'X-Forwarded-For') })).toBe('bad-connection-header');
    expect(refusal({ raw: withHost('Connection', 'close, X-Custom') })).toBeNull();
  });

  it('refuses TRACE and TRACK', () => {
    expect(refusal({ method: 'TRACE' })).toBe('method-not-allowed');
    expect(refusal({ method: 'TRACK' })).toBe('method-not-allowed');
    expect(refusal({ method: 'DELETE' })).toBeNull();
  });

  it('refuses a declared body over maxBodyBytes before any of it is read', () => {
    expect(refusal({ method: 'POST', raw: withHost('Content-Length', '1000') })).toBeNull();
    expect(refusal({ method: 'POST', raw: withHost('Content-Length', '1001') })).toBe('payload-too-large');
  });
});

describe('guardStage', () => {
  const run = (head: Head) => {
    const { res, written } = recordingResponse();
    const after: string[] = [];
    const x = new Exchange(requestHead(head), res, smallTable(), [guardStage, () => void after.push('next stage')]);
    x.next();
    return { x, written, after };
  };

  it('passes an accepted head on to the next stage, writing nothing', () => {
    const { x, written, after } = run({});
    expect(after).toEqual(['next stage']);
    expect([x.error, written.headersSent]).toEqual([null, false]);
  });

  it('answers a refused head with its problem, closes the connection and runs no later stage', () => {
    const { x, written, after } = run({ method: 'TRACE' });
    expect(after).toEqual([]);
    expect(x.error?.code).toBe('method-not-allowed');
    expect(written.status).toBe(405);
    expect(written.headers).toMatchObject({ 'content-type': 'application/problem+json', connection: 'close' });
  });
});
