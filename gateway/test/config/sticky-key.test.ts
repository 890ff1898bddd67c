import type { IncomingMessage } from 'node:http';
import { compileStickyKey } from '../../src/config/sticky-key';

/** The canary's sticky key (issue 5): what keeps one user on one side, compiled once per route. */

/** Just the headers a sticky key reads. */
function requestWith(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('compileStickyKey', () => {
  it('stickyBy client: the client address', () => {
    const key = compileStickyKey({ stickyBy: 'client' });
    expect(key(requestWith({ 'x-user': 'a' }), '10.0.0.1')).toBe(key(requestWith({ 'x-user': 'b' }), '10.0.0.1'));
    expect(key(requestWith({}), '10.0.0.1')).not.toBe(key(requestWith({}), '10.0.0.2'));
  });

  it('no canary block at all: the client address', () => {
    const key = compileStickyKey(undefined);
    expect(key(requestWith({}), '10.0.0.1')).toBe(compileStickyKey({ stickyBy: 'client' })(requestWith({}), '10.0.0.1'));
  });

  it('stickyBy header: the header value whatever the client address; the key name is case-insensitive', () => {
    const key = compileStickyKey({ stickyBy: 'header', key: 'X-User-Id' });
    // Node lower-cases incoming header names.
    expect(key(requestWith({ 'x-user-id': 'u1' }), '10.0.0.1')).toBe(key(requestWith({ 'x-user-id': 'u1' }), '10.0.0.2'));
    expect(key(requestWith({ 'x-user-id': 'u1' }), '10.0.0.1')).not.toBe(key(requestWith({ 'x-user-id': 'u2' }), '10.0.0.1'));
  });

  it('stickyBy header: a missing header falls back to the client address', () => {
    const byHeader = compileStickyKey({ stickyBy: 'header', key: 'x-user-id' });
    const byClient = compileStickyKey({ stickyBy: 'client' });
    expect(byHeader(requestWith({}), '10.0.0.7')).toBe(byClient(requestWith({}), '10.0.0.7'));
    expect(byHeader(requestWith({ 'x-user-id': '' }), '10.0.0.7')).toBe(byClient(requestWith({}), '10.0.0.7'));
  });

  it('stickyBy header: a header value equal to an address is not confused with that client address', () => {
    const key = compileStickyKey({ stickyBy: 'header', key: 'x-user-id' });
    expect(key(requestWith({ 'x-user-id': '10.0.0.7' }), '10.0.0.8')).not.toBe(key(requestWith({}), '10.0.0.7'));
  });

  it('stickyBy cookie: the named cookie among others; missing → client address', () => {
    const key = compileStickyKey({ stickyBy: 'cookie', key: 'uid' });
    const byClient = compileStickyKey({ stickyBy: 'client' });
    expect(key(requestWith({ cookie: 'theme=dark; uid=42; lang=en' }), '10.0.0.1')).toBe(key(requestWith({ cookie: 'uid=42' }), '10.0.0.2'));
    expect(key(requestWith({ cookie: 'uid=42' }), '10.0.0.1')).not.toBe(key(requestWith({ cookie: 'uid=43' }), '10.0.0.1'));
    // A cookie whose name merely contains the key is not the key.
    expect(key(requestWith({ cookie: 'xuid=42' }), '10.0.0.1')).toBe(byClient(requestWith({}), '10.0.0.1'));
    expect(key(requestWith({}), '10.0.0.1')).toBe(byClient(requestWith({}), '10.0.0.1'));
  });
});
