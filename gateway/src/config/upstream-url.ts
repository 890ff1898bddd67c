import { BlockList, isIP } from 'node:net';

/**
 * Upstream URLs come from operators, so they are trusted but validated: a typo or a pasted
 * credential must not turn the gateway into a way to reach cloud metadata or leak a password.
 */

const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, including 169.254.169.254 metadata
forbidden.addSubnet('fe80::', 10, 'ipv6'); // link-local
forbidden.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6
forbidden.addAddress('0.0.0.0', 'ipv4');
forbidden.addAddress('::', 'ipv6');

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.internal']);

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
  if (METADATA_HOSTS.has(host.toLowerCase())) return `host ${host} is a cloud metadata endpoint`;
  const family = isIP(host);
  if (family !== 0) {
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
    if (forbidden.check(host, type) || (mapped && forbidden.check(mapped[1] as string, 'ipv4'))) {
      return `address ${host} is link-local, unspecified or a metadata address`;
    }
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { protocol: url.protocol, hostname: host, port, origin: url.origin };
}
