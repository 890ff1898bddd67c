/**
 * Request-target normalisation. The gateway, not Node or express, decides what path a request
 * names, and it does so once, before matching, so that no spelling of a path can reach a route
 * its normal form does not match (`/api/../admin`, `%2e%2e`, `//admin`, `..;/`).
 */

export type NormalizedTarget =
  | { ok: true; path: string; segments: readonly string[]; query: string }
  | { ok: false; reason: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Decodes %XX only where XX is an unreserved character; everything else stays encoded as sent. */
function decodeUnreserved(segment: string): string | null {
  if (!segment.includes('%')) return segment;
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
    const code = parseInt(hex, 16);
    // An encoded separator would let one segment pose as two (or the reverse) at the upstream.
    if (code === 0x2f || code === 0x5c || code === 0x00) return null;
    const decoded = String.fromCharCode(code);
    out += UNRESERVED.test(decoded) ? decoded : '%' + hex.toUpperCase();
    i += 2;
  }
  return out;
}

/**
 * `..;x` is `..` to servlet containers, and `..%3Bx` is too once an upstream decodes it: a dot
 * segment with parameters, in either spelling, is refused, never passed on.
 */
function isDotSegment(segment: string): boolean {
  if (segment.charCodeAt(0) !== 0x2e) return false;
  const bare = segment.split(/;|%3B/i, 1)[0];
  return bare === '.' || bare === '..';
}

/**
 * Splits a raw request target into a normalised path (RFC 3986 §6.2.2: unreserved
 * percent-decoding, dot-segment removal, plus duplicate-slash collapsing) and the query string.
 * Absolute-form targets (`http://host/x`) are reduced to their path: the authority never routes.
 */
export function normalizeTarget(rawTarget: string): NormalizedTarget {
  let target = rawTarget;
  if (!target.startsWith('/')) {
    const absolute = /^https?:\/\/[^/?#]*/i.exec(target);
    if (!absolute) return { ok: false, reason: 'request target must be origin-form or absolute-form' };
    target = target.slice(absolute[0].length) || '/';
    if (!target.startsWith('/')) target = '/' + target;
  }
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (rawPath.includes('#')) return { ok: false, reason: 'fragment in request target' };
  // Most paths are already normal: nothing encoded, no dot segment, no empty segment.
  if (!rawPath.includes('%') && !rawPath.includes('/.') && !rawPath.includes('//')) {
    const segments = rawPath === '/' ? [] : rawPath.slice(1, rawPath.endsWith('/') ? -1 : undefined).split('/');
    return { ok: true, path: rawPath, segments, query };
  }

  const out: string[] = [];
  const parts = rawPath.split('/');
  for (let i = 1; i < parts.length; i++) {
    const decoded = decodeUnreserved(parts[i] as string);
    if (decoded === null) return { ok: false, reason: 'encoded slash, backslash, NUL or bad percent-encoding in path' };
    if (decoded === '' || decoded === '.') {
      continue;
    } else if (decoded === '..') {
      out.pop();
    } else if (isDotSegment(decoded)) {
      return { ok: false, reason: 'dot segment with parameters in path' };
    } else {
      out.push(decoded);
    }
  }
  const trailingSlash = rawPath.length > 1 && rawPath.endsWith('/') && out.length > 0;
  const path = '/' + out.join('/') + (trailingSlash ? '/' : '');
  return { ok: true, path, segments: out, query };
}
