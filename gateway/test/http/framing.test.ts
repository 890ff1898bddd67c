import type { IncomingMessage } from 'node:http';
import { framingOf, hasBody } from '../../src/http/framing';

const head = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

/** The framing the gateway forwards a body with is the framing it was read with (RFC 9112 §6). */
describe('framingOf', () => {
  it('no length and no Transfer-Encoding, or a length of 0: no body', () => {
    expect(framingOf(head({}))).toEqual({ kind: 'none' });
    expect(framingOf(head({ 'content-length': '0' }))).toEqual({ kind: 'none' });
  });

  it('a Content-Length: that many bytes', () => {
    expect(framingOf(head({ 'content-length': '1234' }))).toEqual({ kind: 'length', length: 1234 });
  });

  it('Transfer-Encoding: chunked, whatever else the head says', () => {
    expect(framingOf(head({ 'transfer-encoding': 'chunked' }))).toEqual({ kind: 'chunked' });
    expect(framingOf(head({ 'transfer-encoding': 'chunked', 'content-length': '10' }))).toEqual({ kind: 'chunked' });
  });
});

describe('hasBody', () => {
  it('is true for a length above zero or a chunked body, false otherwise', () => {
    expect(hasBody(head({}))).toBe(false);
    expect(hasBody(head({ 'content-length': '0' }))).toBe(false);
    expect(hasBody(head({ 'content-length': '1' }))).toBe(true);
    expect(hasBody(head({ 'transfer-encoding': 'chunked' }))).toBe(true);
  });
});
