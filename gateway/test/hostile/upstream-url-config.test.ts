import { compileTable } from '../kit/hostile-stack';

/**
 * Route table config from a careless or hostile operator (issue 13, fault 6 and `__proto__`):
 * an upstream URL that reaches a cloud metadata service, in any spelling, and names that reach an
 * object's prototype are refused at load, each with the JSON path of what is wrong.
 */

const table = (url: string) => ({
  upstreams: { target: { url } },
  routes: [{ id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'target' } }],
});

/** The paths of the issues a refused table carries, or 'accepted'. */
function verdict(config: unknown): string[] | 'accepted' {
  const result = compileTable(config);
  if (result.ok) return 'accepted';
  if (result.issues.length === 0) throw result.error;
  return result.issues.map((i) => i.path);
}

const METADATA: [string, string][] = [
  ['GCP metadata host with a trailing dot', 'http://metadata.google.internal.'],
  ['GCP metadata host with a trailing dot and a port', 'http://metadata.google.internal.:80'],
  ['GCP metadata host', 'http://metadata.google.internal'],
  ['GCP metadata host, upper case', 'http://METADATA.GOOGLE.INTERNAL'],
  ['GCP metadata host, upper case with a trailing dot', 'http://METADATA.GOOGLE.INTERNAL.'],
  ['GCP metadata host in full-width letters (IDNA maps them)', 'http://\uff4d\uff45\uff54\uff41\uff44\uff41\uff54\uff41.google.internal'],
  ['GCP metadata host with an ideographic full stop (IDNA maps it)', 'http://metadata\u3002google\u3002internal'],
  ['GCP short name', 'http://metadata'],
  ['GCP short name with a trailing dot', 'http://metadata.'],
  ['AWS/Azure/GCP/OCI/DigitalOcean IPv4', 'http://169.254.169.254'],
  ['the IPv4 metadata address with a trailing dot', 'http://169.254.169.254.'],
  ['the IPv4 metadata address as one decimal number', 'http://2852039166'],
  ['the IPv4 metadata address in octal parts', 'http://0251.0376.0251.0376'],
  ['the IPv4 metadata address in hex', 'http://0xa9fea9fe'],
  ['the IPv4 metadata address, IPv4-mapped IPv6', 'http://[::ffff:169.254.169.254]'],
  ['the IPv4 metadata address, IPv4-mapped IPv6 in hex', 'http://[::ffff:a9fe:a9fe]'],
  ['AWS IMDS over IPv6', 'http://[fd00:ec2::254]'],
  ['AWS IMDS over IPv6, expanded', 'http://[fd00:0ec2:0000:0000:0000:0000:0000:0254]'],
  ['AWS instance-data', 'http://instance-data'],
  ['AWS instance-data with a trailing dot', 'http://instance-data.'],
  ['AWS ECS task metadata', 'http://169.254.170.2'],
  ['Alibaba Cloud metadata', 'http://100.100.100.200'],
  ['Azure metadata host', 'http://metadata.azure.internal'],
  ['https to the metadata address', 'https://169.254.169.254:443'],
];

const NOT_AN_ORIGIN: [string, string][] = [
  ['credentials in the URL', 'http://user:secret@127.0.0.1:3000'],
  ['a path', 'http://127.0.0.1:3000/api'],
  ['a file: URL', 'file:///etc/passwd'],
  ['a gopher: URL', 'gopher://127.0.0.1:70'],
  ['the unspecified address', 'http://0.0.0.0:3000'],
  ['not a URL', 'not a url'],
];

const ACCEPTED: [string, string][] = [
  ['loopback with a port', 'http://127.0.0.1:3000'],
  ['a service name', 'http://catalog:4001'],
  ['a name that merely contains "metadata"', 'http://metadata-service.internal:8080'],
  ['an IPv6 address', 'http://[2001:db8::1]:8080'],
];

describe('upstream URLs', () => {
  it.each(METADATA)('refuses %s (%s) at upstreams.target.url', (_n, url) => {
    expect(verdict(table(url))).toEqual(['upstreams.target.url']);
  });
  it.each(NOT_AN_ORIGIN)('refuses %s (%s) at upstreams.target.url', (_n, url) => {
    expect(verdict(table(url))).toEqual(['upstreams.target.url']);
  });
  it.each(ACCEPTED)('accepts %s (%s)', (_n, url) => {
    expect(verdict(table(url))).toBe('accepted');
  });
});

describe('names that reach a prototype', () => {
  // JSON.parse, as a table file is read: an object literal would set the prototype instead of a key.
  const parsed = (text: string): unknown => JSON.parse(text);

  it('an upstream named __proto__ is refused, with a path', () => {
    const config = parsed('{"upstreams":{"__proto__":{"url":"http://127.0.0.1:3000"}},"routes":[{"id":"r","path":"/*","mode":"legacy","legacy":{"upstream":"__proto__"}}]}');
    const paths = verdict(config);
    expect(paths).not.toBe('accepted');
    expect(paths).toEqual(expect.arrayContaining([expect.stringMatching(/^upstreams/)]));
  });

  it('an upstream named __proto__ beside a good one is refused, the good one still named nowhere', () => {
    const config = parsed('{"upstreams":{"good":{"url":"http://127.0.0.1:3000"},"__proto__":{"url":"http://169.254.169.254"}},"routes":[{"id":"r","path":"/*","mode":"legacy","legacy":{"upstream":"good"}}]}');
    const paths = verdict(config);
    expect(paths).not.toBe('accepted');
    expect(paths).toEqual(expect.arrayContaining([expect.stringMatching(/^upstreams/)]));
  });

  it('a route naming an upstream constructor (declared nowhere) is refused at its path', () => {
    const config = parsed('{"upstreams":{"legacy":{"url":"http://127.0.0.1:3000"}},"routes":[{"id":"r","path":"/*","mode":"legacy","legacy":{"upstream":"constructor"}}]}');
    expect(verdict(config)).toEqual(['routes[0].legacy.upstream']);
  });

  it('a route id __proto__ does not reach a prototype: refused or kept as a plain id', () => {
    const config = parsed('{"upstreams":{"legacy":{"url":"http://127.0.0.1:3000"}},"routes":[{"id":"__proto__","path":"/*","mode":"legacy","legacy":{"upstream":"legacy"}}]}');
    const result = compileTable(config);
    if (result.ok) expect(result.table.routes.map((r) => r.id)).toEqual(['__proto__']);
    else expect(result.issues.map((i) => i.path)).toEqual(['routes[0].id']);
    expect(({} as Record<string, unknown>)['url']).toBeUndefined();
  });

  it('a table with a __proto__ key at the top level is refused, with a path', () => {
    const config = parsed('{"__proto__":{"limits":{"maxBodyBytes":1}},"upstreams":{"legacy":{"url":"http://127.0.0.1:3000"}},"routes":[{"id":"r","path":"/*","mode":"legacy","legacy":{"upstream":"legacy"}}]}');
    const result = compileTable(config);
    expect(result.ok).toBe(false);
    // Zod names an unknown top-level key at the root, the key in the message: either way the key is named.
    if (!result.ok) expect(result.issues.some((i) => `${i.path} ${i.message}`.includes('__proto__'))).toBe(true);
  });
});
