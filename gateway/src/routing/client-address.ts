import { isIP, type BlockList } from 'node:net';

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 4 ? 'ipv4' : 'ipv6';
}

/**
 * Answers per list and address, remembered: `BlockList.check` builds a SocketAddress on every call,
 * which showed in the gateway's profile, and a gateway sees few distinct peers. Bounded, since
 * X-Forwarded-For hops are written by clients. Safe to remember: a list is built once with its
 * route table and never changed (a new table brings new lists).
 */
const verdicts = new WeakMap<BlockList, Map<string, boolean>>();
const MAX_REMEMBERED = 4096;

/** True when the address (IPv4-mapped IPv6 included) is in the list. */
export function isTrustedAddress(list: BlockList, ip: string): boolean {
  let known = verdicts.get(list);
  if (!known) verdicts.set(list, (known = new Map()));
  const remembered = known.get(ip);
  if (remembered !== undefined) return remembered;
  const verdict = checkAddress(list, ip);
  if (known.size >= MAX_REMEMBERED) known.clear();
  known.set(ip, verdict);
  return verdict;
}

function checkAddress(list: BlockList, ip: string): boolean {
  if (isIP(ip) === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return list.check(ip, family(ip)) || (mapped !== null && list.check(mapped[1] as string, 'ipv4'));
}

/**
 * Walks X-Forwarded-For from the right, skipping trusted proxies; the first untrusted hop is
 * the client. Entries left of it were written by the client and prove nothing.
 */
export function clientAddress(peer: string, xff: string | undefined, trusted: BlockList): { clientIp: string; peerTrusted: boolean } {
  if (!isTrustedAddress(trusted, peer)) return { clientIp: peer, peerTrusted: false };
  if (!xff) return { clientIp: peer, peerTrusted: true };
  const hops = xff.split(',').map((h) => h.trim()).filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return { clientIp: peer, peerTrusted: true };
    if (!isTrustedAddress(trusted, hop)) return { clientIp: hop, peerTrusted: true };
  }
  return { clientIp: hops[0] ?? peer, peerTrusted: true };
}
