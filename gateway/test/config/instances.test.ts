import { RouteTableError } from '../../src/config/errors';
import { compileRouteTable } from '../../src/config/load';

const routes = [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'app' } }];

function issuesOf(app: Record<string, unknown>, upstreamUrls?: Record<string, string>): string[] {
  try {
    compileRouteTable({ upstreams: { app }, routes }, 'test', upstreamUrls ? { upstreamUrls } : {});
    return [];
  } catch (e) {
    if (!(e instanceof RouteTableError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('an upstream’s instances in the table', () => {
  it('takes url, a list of instances with weights, or DNS discovery, with the balancing defaults', () => {
    const table = compileRouteTable({ upstreams: { app: { instances: [{ url: 'http://10.0.0.1:80' }, { url: 'http://10.0.0.2', weight: 3 }] } }, routes }, 'test');
    const app = table.upstreams.get('app')!;
    expect(app.instances.map((i) => [i.key, i.weight])).toEqual([['10.0.0.1:80', 1], ['10.0.0.2:80', 3]]);
    expect(app.config.loadBalancing).toBe('p2c');
    expect(app.config.outlier).toEqual({ consecutiveFailures: 5, baseEjectionMs: 30_000, maxEjectionMs: 300_000, maxEjectedPercent: 50 });
    expect(app.config.healthCheck).toBeUndefined();
    const found = compileRouteTable({ upstreams: { app: { discover: { dns: 'catalog', port: 4001 } } }, routes }, 'test').upstreams.get('app')!;
    expect(found.instances).toEqual([]);
    expect(found.discover).toEqual({ dns: 'catalog', port: 4001, protocol: 'http', refreshMs: 5_000 });
  });

  it('refuses none or more than one of url, instances and discover, each instance URL by its path, and a duplicate', () => {
    expect(issuesOf({})).toEqual(['upstreams.app: declares no url, instances or discover: one is required']);
    expect(issuesOf({ url: 'http://10.0.0.1', discover: { dns: 'x', port: 1 } })).toEqual(['upstreams.app: declares more than one of url, instances and discover: keep one']);
    expect(issuesOf({ instances: [{ url: 'http://10.0.0.1' }, { url: 'http://169.254.169.254' }, { url: 'http://10.0.0.2' }] })).toEqual([
      'upstreams.app.instances[1].url: address 169.254.169.254 is link-local, unspecified or a metadata address',
    ]);
    expect(issuesOf({ instances: [{ url: 'http://10.0.0.1' }, { url: 'http://10.0.0.1:80' }] })).toEqual(['upstreams.app.instances: lists one instance twice']);
    expect(issuesOf({ instances: [] })[0]).toMatch(/^upstreams\.app\.instances: /);
  });

  it('takes the deployment’s override as one origin, a comma-separated list, or dns://name:port', () => {
    const table = (override: string) => compileRouteTable({ upstreams: { app: { url: 'http://10.0.0.1' } }, routes }, 'test', { upstreamUrls: { app: override } }).upstreams.get('app')!;
    expect(table('http://a:1').instances.map((i) => i.key)).toEqual(['a:1']);
    expect(table('http://a:1, http://b:2').instances.map((i) => i.key)).toEqual(['a:1', 'b:2']);
    expect(table('dns://catalog:4001')).toMatchObject({ instances: [], discover: { dns: 'catalog', port: 4001, protocol: 'http' } });
    expect(issuesOf({ url: 'http://10.0.0.1' }, { app: 'http://a:1,http://169.254.169.254' })).toEqual(['override app: address 169.254.169.254 is link-local, unspecified or a metadata address']);
  });
});
