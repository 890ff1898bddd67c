import { connectionTokens, protectedFromConnection, SINGLETON_FIELDS } from '../../src/http/header-rules';

/** What a client's Connection header may name: naming a field makes every hop drop it. */
describe('protectedFromConnection', () => {
  it('no X-Forwarded-* or x-strangler-* field may be named', () => {
    for (const field of ['x-forwarded-for', 'x-forwarded-prefix', 'x-strangler-target', 'x-strangler-shadow']) expect(protectedFromConnection(field)).toBe(true);
  });

  it('the framing and routing fields are among them; ordinary end-to-end fields are not', () => {
    for (const field of ['host', 'content-length', 'transfer-encoding', 'x-request-id']) expect(protectedFromConnection(field)).toBe(true);
    for (const field of ['keep-alive', 'close', 'x-custom', 'cookie', 'x-forwarded', 'x-strangler']) expect(protectedFromConnection(field)).toBe(false);
  });
});

describe('connectionTokens', () => {
  it('splits on commas, trims, lower-cases and skips empty tokens', () => {
    expect(connectionTokens(' Keep-Alive ,, X-Custom,Content-Length ,')).toEqual(['keep-alive', 'x-custom', 'content-length']);
  });

  it('no value, no tokens', () => {
    expect(connectionTokens(undefined)).toEqual([]);
    expect(connectionTokens('')).toEqual([]);
  });
});

describe('SINGLETON_FIELDS', () => {
  it('holds the fields whose duplicates would let the gateway and the upstream act on different values', () => {
    for (const field of ['host', 'content-length', 'content-type', 'authorization']) expect(SINGLETON_FIELDS.has(field)).toBe(true);
  });

  it('leaves out list fields that may repeat, and those the gateway replaces anyway', () => {
    for (const field of ['accept', 'cookie', 'x-forwarded-for', 'x-request-id', 'transfer-encoding']) expect(SINGLETON_FIELDS.has(field)).toBe(false);
  });
});
