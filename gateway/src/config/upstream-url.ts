import { BlockList, isIP } from 'node:net';

/**
 * Upstream URLs come from operators, so they are trusted but validated: a typo or a pasted
 * credential must not turn the gateway into a way to reach cloud metadata or leak a password.
 * Hosts are judged in canonical form: the URL parser has lower-cased them, applied IDNA and
 * turned every IPv4 spelling (hex, octal, short forms) into dotted decimal; trailing dots are
 * removed here, and an IPv4 address inside an IPv6 one (mapped, compatible, NAT64) is judged as
 * the IPv4 address it reaches.
 */

const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local: AWS, GCP, Azure, Oracle, DigitalOcean metadata, ECS task metadata (169.254.170.2)
forbidden.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
forbidden.addSubnet('fe80::', 10, 'ipv6'); // link-local
forbidden.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6
forbidden.addAddress('0.0.0.0', 'ipv4');
forbidden.addAddress('::', 'ipv6');

const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

export interface UpstreamOrigin {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  readonly origin: string;
}

/** Returns the parsed origin, or a message saying what is wrong with the URL. */
export function checkUpstreamUrl(raw: string): UpstreamOrigin | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not allowed (http or https only)`;
  if (url.username || url.password) return 'credentials (userinfo) are not allowed in an upstream URL';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return 'an upstream URL is an origin only (no path, query or fragment); use a route rewrite for paths';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refused = refusedHost(host);
  if (refused) return refused;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { protocol: url.protocol, hostname: host, port, origin: url.origin };
}

/** Why a name to discover instances by is refused (a metadata name), or null. */
export function checkDiscoverName(name: string): string | null {
  return refusedHost(name.toLowerCase());
}

function refusedHost(host: string): string | null {
  const canonical = host.replace(/\.+$/, '');
  if (canonical === '') return `host "${host}" is empty`;
  if (METADATA_HOSTS.has(canonical)) return `host ${host} is a cloud metadata endpoint`;
  const family = isIP(canonical);
  if (family === 0) return null;
  const embedded = family === 6 ? embeddedIpv4(canonical) : null;
  if (forbidden.check(canonical, family === 4 ? 'ipv4' : 'ipv6') || (embedded !== null && forbidden.check(embedded, 'ipv4'))) {
    return `address ${host} is link-local, unspecified or a metadata address`;
  }
  return null;
}

/**
 * The IPv4 address an IPv6 address carries in its last 32 bits when it is IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96) or NAT64 (64:ff9b::/96); null otherwise.
 */
export function embeddedIpv4(ipv6: string): string | null {
  const groups = expandIpv6(ipv6);
  if (!groups) return null;
  const head = groups.slice(0, 6);
  const mapped = head.slice(0, 5).every((g) => g === 0) && (head[5] === 0xffff || head[5] === 0);
  const nat64 = head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((g) => g === 0);
  if (!mapped && !nat64) return null;
  const hi = groups[6] as number;
  const lo = groups[7] as number;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** Eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail included). */
function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  const missing = 8 - l.length - r.length;
  if (right === undefined ? l.length !== 8 : missing < 1) return null;
  return [...l, ...new Array<number>(right === undefined ? 0 : missing).fill(0), ...r];
}
