import { RouteTableError } from '../../src/config/errors';
import { compileRouteTable } from '../../src/config/load';
import { UsageError, upstreamUrlsFrom } from '../../src/cli/options';

/**
 * Upstream URL overrides (`--upstream name=url`, `STRANGLER_UPSTREAM_<NAME>`) are how a deployment
 * such as docker-compose.yml points routes.json's upstreams at its own hosts. An override is as
 * much operator input as the file, so it passes the same checks, and its issues name the override.
 */

const table = {
  upstreams: { monolith: { url: 'http://127.0.0.1:3000' }, 'new-catalog': { url: 'http://127.0.0.1:4001' } },
  routes: [
    { id: 'catalog', path: '/api/v2/*', mode: 'new', new: { upstream: 'new-catalog' } },
    { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
  ],
};

function issuesWith(upstreamUrls: Record<string, string>): string[] {
  try {
    compileRouteTable(structuredClone(table), 'test', { upstreamUrls });
    return [];
  } catch (e) {
    if (!(e instanceof RouteTableError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('upstream URL overrides from flags and environment', () => {
  it('maps STRANGLER_UPSTREAM_<NAME> to the upstream name, "_" standing for "-"', () => {
    const env = { STRANGLER_UPSTREAM_MONOLITH: 'http://legacy:3000', STRANGLER_UPSTREAM_NEW_CATALOG: 'http://catalog:4001', PATH: '/bin' };
    expect(upstreamUrlsFrom([], env)).toEqual({ monolith: 'http://legacy:3000', 'new-catalog': 'http://catalog:4001' });
  });

  it('ignores empty variables and lets a flag win over a variable', () => {
    const env = { STRANGLER_UPSTREAM_MONOLITH: 'http://from-env:3000', STRANGLER_UPSTREAM_ORDERS: '' };
    expect(upstreamUrlsFrom(['monolith=http://from-flag:3000'], env)).toEqual({ monolith: 'http://from-flag:3000' });
  });

  it('refuses a flag that is not name=url', () => {
    expect(() => upstreamUrlsFrom(['http://legacy:3000'], {})).toThrow(UsageError);
    expect(() => upstreamUrlsFrom(['=http://legacy:3000'], {})).toThrow(/must look like name=http:\/\/host:port/);
  });

  it('keeps a name like "__proto__" as a name, for the loader to refuse', () => {
    expect(Object.keys(upstreamUrlsFrom(['__proto__=http://x:1'], {}))).toEqual(['__proto__']);
  });
});

describe('route table loading with overrides', () => {
  it('serves the overridden origins, the rest of the upstream unchanged', () => {
    const compiled = compileRouteTable(structuredClone(table), 'test', { upstreamUrls: { monolith: 'http://legacy:3000', 'new-catalog': 'http://catalog:4001' } });
    expect(compiled.upstreams.get('monolith')?.instances[0]?.origin).toEqual({ protocol: 'http:', hostname: 'legacy', port: 3000, origin: 'http://legacy:3000' });
    expect(compiled.upstreams.get('new-catalog')?.instances[0]?.origin.origin).toBe('http://catalog:4001');
  });

  it.each([
    ['http://user:secret@legacy:3000', 'credentials (userinfo) are not allowed'],
    ['ftp://legacy:21', 'scheme ftp: is not allowed'],
    ['file:///etc/passwd', 'scheme file: is not allowed'],
    ['http://169.254.169.254', 'link-local, unspecified or a metadata address'],
    ['http://[fe80::1]:3000', 'link-local'],
    ['http://metadata.google.internal', 'cloud metadata endpoint'],
    ['http://legacy:3000/api', 'origin only'],
    ['legacy:3000', 'scheme legacy: is not allowed'],
    ['not a url', 'is not a URL'],
  ])('refuses the override %s with the same check as the file, naming the override', (url, message) => {
    const issues = issuesWith({ monolith: url });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^override monolith: /);
    expect(issues[0]).toContain(message);
    // The message must not repeat a pasted password.
    expect(issues[0]).not.toContain('secret');
  });

  it('refuses an override naming an unknown upstream, naming it, and reports every bad override at once', () => {
    expect(issuesWith({ catalog: 'http://catalog:4001', monolith: 'http://169.254.169.254' })).toEqual([
      'override catalog: no upstream named "catalog" in the table',
      'override monolith: address 169.254.169.254 is link-local, unspecified or a metadata address',
    ]);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('refuses the override name %s (not an upstream, whatever the prototype says)', (name) => {
    expect(issuesWith(upstreamUrlsFrom([`${name}=http://127.0.0.1:1`], {}))).toEqual([`override ${name}: no upstream named "${name}" in the table`]);
  });

  it('leaves the caller\'s table untouched', () => {
    const value = structuredClone(table);
    compileRouteTable(value, 'test', { upstreamUrls: { monolith: 'http://legacy:3000' } });
    expect(value.upstreams.monolith.url).toBe('http://127.0.0.1:3000');
  });
});
