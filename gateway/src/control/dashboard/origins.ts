/**
 * The origins the admin API answers a browser from: exactly the admin listener's own, as a
 * browser names it. A listener on a loopback or wildcard address is reached as 127.0.0.1,
 * localhost or [::1]; any other address is its own name. Origins a proxy or port forward puts in
 * front (STRANGLER_ADMIN_ORIGINS) are added by name, never by pattern.
 */
export function ownOrigins(host: string, port: number, extra: readonly string[] = []): string[] {
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::', ''].includes(host);
  const hosts = loopback ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
  return [...new Set([...hosts.map((h) => `http://${h}:${port}`), ...extra.map((o) => o.trim().replace(/\/+$/, '')).filter((o) => o !== '')])];
}
