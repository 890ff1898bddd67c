import type { IncomingMessage } from 'node:http';
import type { CanaryConfig } from './schema';

/** Reads the key that keeps one user on one side of a canary; the client address when the key is absent. */
export type StickyKey = (req: IncomingMessage, clientIp: string) => string;

export function compileStickyKey(canary: CanaryConfig | undefined): StickyKey {
  const by = canary?.stickyBy ?? 'client';
  const key = canary?.key?.toLowerCase();
  if (by === 'header' && key) {
    return (req, clientIp) => {
      const v = req.headers[key];
      const s = Array.isArray(v) ? v[0] : v;
      return s ? `h:${s}` : `ip:${clientIp}`;
    };
  }
  if (by === 'cookie' && key) return (req, clientIp) => {
    const v = cookieValue(req.headers.cookie, canary?.key ?? '');
    return v !== null ? `c:${v}` : `ip:${clientIp}`;
  };
  return (_req, clientIp) => `ip:${clientIp}`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
