import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RouteTableError } from '../../src/config/errors';
import { compileRouteTable, loadRouteTableFile } from '../../src/config/load';

const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-load-'));
const catchAll = { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } };
const base = (routes: unknown[], upstreams: Record<string, unknown> = { legacy: { url: 'http://127.0.0.1:3000' } }) => ({ upstreams, routes });

/** Compiles and returns the issues as "path: message" lines (empty when the table loads). */
function issuesOf(value: unknown): string[] {
  try {
    compileRouteTable(value, 'test');
    return [];
  } catch (e) {
    if (!(e instanceof RouteTableError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('route table loading', () => {
  it('accepts a minimal table and freezes the result', () => {
    const table = compileRouteTable(base([catchAll]), 'test');
    expect(Object.isFrozen(table)).toBe(true);
    expect(Object.isFrozen(table.routes)).toBe(true);
    expect(Object.isFrozen(table.routes[0])).toBe(true);
    expect(table.limits.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('names the file, line and column of invalid JSON', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{\n  "upstreams": {},\n  "routes": [,]\n}\n');
    expect(() => loadRouteTableFile(file)).toThrow(`${file}:3:14: invalid JSON`);
  });

  it('names a file it cannot read', () => {
    expect(() => loadRouteTableFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json: no such file$/);
  });

  it('lists every schema error with its JSON path at once', () => {
    const issues = issuesOf({
      upstreams: { legacy: { url: 'http://127.0.0.1:3000', timeoutMs: -1 }, Bad_Name: { url: 'http://x' } },
      routes: [{ id: 'a', path: 'no-slash', mode: 'sideways', methods: ['FETCH'] }, { path: '/x', mode: 'legacy', surprise: true }],
      extra: 1,
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^upstreams\.legacy\.timeoutMs: /),
        expect.stringMatching(/^upstreams\.Bad_Name: /),
        expect.stringMatching(/^routes\[0\]\.path: must start with \//),
        expect.stringMatching(/^routes\[0\]\.mode: /),
        expect.stringMatching(/^routes\[0\]\.methods\[0\]: /),
        expect.stringMatching(/^routes\[1\]\.id: /),
        expect.stringMatching(/^routes\[1\]\.surprise: unknown key "surprise" \(allowed here: id, description, path, methods, mode, /),
        expect.stringMatching(/^extra: unknown key "extra"/),
      ]),
    );
  });

  it('reports every error of a table at once: its shape and the cross-checks of the routes whose own shape is sound', () => {
    const route = (id: string, p: string, extra: Record<string, unknown> = {}) => ({ id, path: p, mode: 'legacy', legacy: { upstream: 'legacy' }, ...extra });
    const issues = issuesOf(
      base([
        route('a', '/a/*', { methodz: ['GET'] }),
        route('b', '/b', { mode: 'sideways' }),
        route('c', '/c/*'),
        route('c', '/d'),
        route('e', '/c/*'),
        catchAll,
      ]),
    );
    expect(issues).toEqual([
      'routes[0].methodz: unknown key "methodz" (did you mean "methods"?)',
      'routes[1].mode: Invalid option: expected one of "legacy"|"shadow"|"canary"|"new"|"retired"',
      'routes[3].id: duplicate route id "c" (first at routes[2])',
      'routes[4]: route "e" is unreachable: routes[2] "c" (/c/*) matches every request it would',
    ]);
  });

  it('suggests the nearest key for a typo at any depth, and names a route whose upstream is malformed only once', () => {
    const issues = issuesOf({
      upstreams: { legacy: { url: 'http://127.0.0.1:3000', timeoutMS: 10 } },
      routes: [{ id: 'p', path: '/p', mode: 'shadow', legacy: { upstream: 'legacy' }, new: { upstream: 'legacy', rewite: '/q' }, shadow: { sampel: 0.5 } }, catchAll],
    });
    expect(issues).toEqual([
      'upstreams.legacy.timeoutMS: unknown key "timeoutMS" (did you mean "timeoutMs"?)',
      'routes[0].new.rewite: unknown key "rewite" (did you mean "rewrite"?)',
      'routes[0].shadow.sampel: unknown key "sampel" (did you mean "sample"?)',
    ]);
  });

  it('refuses an unknown upstream', () => {
    expect(issuesOf(base([{ id: 'p', path: '/p', mode: 'legacy', legacy: { upstream: 'nope' } }, catchAll]))).toEqual([
      'routes[0].legacy.upstream: unknown upstream "nope"',
    ]);
  });

  it('refuses a duplicate route id', () => {
    const r = { id: 'p', path: '/p', mode: 'legacy', legacy: { upstream: 'legacy' } };
    expect(issuesOf(base([r, { ...r, path: '/q' }, catchAll]))).toEqual(['routes[1].id: duplicate route id "p" (first at routes[0])']);
  });

  it('refuses a route fully shadowed by an earlier one, and accepts a partial overlap', () => {
    const earlier = { id: 'all-products', path: '/api/products/:id', mode: 'legacy', legacy: { upstream: 'legacy' } };
    const later = { id: 'product-get', path: '/api/products/:sku', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'legacy' } };
    expect(issuesOf(base([{ ...earlier, methods: ['GET', 'HEAD'] }, later, catchAll]))).toEqual([
      'routes[1]: route "product-get" is unreachable: routes[0] "all-products" (/api/products/:id) matches every request it would',
    ]);
    // A GET-only route is more specific than an any-method route on the same path, wherever it is listed.
    expect(issuesOf(base([earlier, later, catchAll]))).toEqual([]);
    expect(issuesOf(base([{ ...later, path: '/api/products/:id' }, earlier, catchAll]))).toEqual([]);
    expect(issuesOf(base([{ ...earlier, path: '/api/*' }, { ...later, path: '/api/products' }, catchAll]))).toEqual([]);
    // A second catch-all is unreachable.
    expect(issuesOf(base([catchAll, { ...catchAll, id: 'again' }]))).toEqual([
      'routes[1]: route "again" is unreachable: routes[0] "catch-all" (/*) matches every request it would',
    ]);
  });

  it('requires an explicit catch-all', () => {
    expect(issuesOf(base([{ id: 'p', path: '/p', mode: 'legacy', legacy: { upstream: 'legacy' } }]))).toEqual([
      'routes: an explicit catch-all route (path "/*", all methods) is required',
    ]);
  });

  it.each([
    ['http://user:pw@127.0.0.1:3000', 'credentials (userinfo) are not allowed'],
    ['ftp://127.0.0.1', 'scheme ftp: is not allowed'],
    ['file:///etc/passwd', 'scheme file: is not allowed'],
    ['http://169.254.169.254', 'link-local'],
    ['http://169.254.10.1:8080', 'link-local'],
    ['http://[fe80::1]:80', 'link-local'],
    ['http://[::ffff:169.254.169.254]', 'link-local'],
    ['http://metadata.google.internal', 'cloud metadata endpoint'],
    // Canonical form: a trailing dot, upper case or an IDNA look-alike names the same host.
    ['http://metadata.google.internal.', 'cloud metadata endpoint'],
    ['http://metadata.google.internal..:80', 'cloud metadata endpoint'],
    ['http://METADATA.Google.Internal', 'cloud metadata endpoint'],
    ['http://\u24dcetadata.google.internal', 'cloud metadata endpoint'],
    ['http://169.254.169.254.', 'link-local'],
    ['http://0xa9fea9fe', 'link-local'],
    ['http://[64:ff9b::a9fe:a9fe]', 'link-local'],
    ['http://[::a9fe:a9fe]', 'link-local'],
    ['http://[fd00:ec2::254]', 'metadata address'],
    ['http://100.100.100.200', 'metadata address'],
    ['http://169.254.170.2', 'link-local'],
    ['http://metadata.tencentyun.com', 'cloud metadata endpoint'],
    ['http://0.0.0.0:80', 'unspecified'],
    ['http://127.0.0.1:3000/base', 'origin only'],
    ['not a url', 'is not a URL'],
  ])('refuses the upstream URL %s', (url, message) => {
    const issues = issuesOf(base([catchAll], { legacy: { url } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('upstreams.legacy.url: ');
    expect(issues[0]).toContain(message);
  });

  it.each(['http://example.com.', 'http://[::ffff:10.0.0.1]:80', 'http://[::1]:3000', 'http://10.0.0.1'])('accepts the upstream URL %s', (url) => {
    expect(issuesOf(base([catchAll], { legacy: { url } }))).toEqual([]);
  });

  it('refuses "__proto__" as a key anywhere, by path, instead of letting the schema drop it', () => {
    const text = '{"upstreams":{"__proto__":{"url":"http://127.0.0.1:1"},"legacy":{"url":"http://127.0.0.1:2"}},"routes":[{"id":"c","path":"/*","mode":"legacy","legacy":{"upstream":"legacy","__proto__":{}}}]}';
    expect(issuesOf(JSON.parse(text))).toEqual([
      'upstreams.__proto__: the key "__proto__" is not allowed',
      'routes[0].legacy.__proto__: the key "__proto__" is not allowed',
      // The strict target schema names it too; the upstream record would have dropped it silently.
      'routes[0].legacy.__proto__: unknown key "__proto__" (allowed here: upstream, translate, rewrite)',
    ]);
  });

  it('applies upstream URL overrides and refuses one for an unknown upstream', () => {
    const table = compileRouteTable(base([catchAll]), 'test', { upstreamUrls: { legacy: 'http://127.0.0.1:4000' } });
    expect(table.upstreams.get('legacy')?.instances[0]?.origin.port).toBe(4000);
    expect(() => compileRouteTable(base([catchAll]), 'test', { upstreamUrls: { ghost: 'http://127.0.0.1:1' } })).toThrow(
      /override ghost: no upstream named "ghost"/,
    );
  });

  it('checks modes against targets, and the canary settings', () => {
    expect(issuesOf(base([{ id: 'n', path: '/n', mode: 'new', legacy: { upstream: 'legacy' } }, catchAll]))).toEqual([
      'routes[0].new: mode "new" needs a new target',
    ]);
    const both = { legacy: { upstream: 'legacy' }, new: { upstream: 'legacy' } };
    expect(issuesOf(base([{ id: 's', path: '/s', mode: 'shadow', ...both }, catchAll]))).toEqual([]);
    expect(issuesOf(base([{ id: 's', path: '/s', mode: 'shadow', legacy: both.legacy }, catchAll]))).toEqual(['routes[0].new: mode "shadow" needs a new target']);
    expect(issuesOf(base([{ id: 'c', path: '/c', mode: 'canary', ...both }, catchAll]))).toEqual(['routes[0].canary.percent: mode "canary" needs canary.percent']);
    expect(issuesOf(base([{ id: 'c', path: '/c', mode: 'canary', ...both, canary: { percent: 12.5 } }, catchAll]))).toEqual([]);
    expect(issuesOf(base([{ id: 'c', path: '/c', mode: 'canary', ...both, canary: { percent: 12.345 } }, catchAll]))).toEqual([
      'routes[0].canary.percent: must have at most two decimals',
    ]);
    expect(issuesOf(base([{ id: 'c', path: '/c', mode: 'legacy', ...both, canary: { stickyBy: 'header' } }, catchAll]))).toEqual([
      'routes[0].canary.key: stickyBy "header" needs the header name in key',
    ]);
    expect(issuesOf(base([{ id: 'c', path: '/c', mode: 'canary', ...both, canary: { percent: 100 } }, catchAll]))).toEqual([
      'routes[0].canary.percent: Too big: expected number to be <100',
    ]);
  });

  it('refuses bad patterns, rewrites that use uncaptured parameters, and bad trusted proxies', () => {
    expect(
      issuesOf({
        upstreams: { legacy: { url: 'http://127.0.0.1:3000' } },
        trustedProxies: ['10.0.0.0/8', 'nonsense', '10.0.0.0/99'],
        routes: [
          { id: 'a', path: '/a/*/b', mode: 'legacy', legacy: { upstream: 'legacy' } },
          { id: 'b', path: '/b/:x/:x', mode: 'legacy', legacy: { upstream: 'legacy' } },
          { id: 'c', path: '/c/:id', mode: 'legacy', legacy: { upstream: 'legacy', rewrite: '/legacy/:sku' } },
          catchAll,
        ],
      }),
    ).toEqual([
      'trustedProxies[1]: "nonsense" is not an IP address or CIDR range',
      'trustedProxies[2]: "10.0.0.0/99" has a bad prefix length',
      'routes[0].path: "*" may only be the last segment of "/a/*/b"',
      'routes[1].path: parameter "x" appears twice in "/b/:x/:x"',
      'routes[2].legacy.rewrite: rewrite "/legacy/:sku" uses :sku, which the path "/c/:id" does not capture',
    ]);
  });
});
