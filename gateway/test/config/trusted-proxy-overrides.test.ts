import { RouteTableError } from '../../src/config/errors';
import { compileRouteTable } from '../../src/config/load';
import { trustedProxiesFrom } from '../../src/cli/options';
import { clientAddress } from '../../src/routing/client-address';

/**
 * Trusted proxies added by the deployment (`--trusted-proxy`, `STRANGLER_TRUSTED_PROXIES`): behind a
 * load balancer the gateway must read the client from X-Forwarded-For, or every client has the
 * balancer's address (and a canary sticky by client address puts them all on one side).
 */
const table = {
  trustedProxies: ['10.0.0.1'],
  upstreams: { monolith: { url: 'http://127.0.0.1:3000' } },
  routes: [{ id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } }],
};

function compile(trustedProxies: readonly string[]) {
  return compileRouteTable(structuredClone(table), 'test', { trustedProxies });
}

describe('trusted proxies from flags and environment', () => {
  it('reads the comma-separated variable, then the flags', () => {
    expect(trustedProxiesFrom(['192.168.1.0/24'], { STRANGLER_TRUSTED_PROXIES: ' 172.30.80.10 , ,10.1.0.0/16' })).toEqual(['172.30.80.10', '10.1.0.0/16', '192.168.1.0/24']);
    expect(trustedProxiesFrom([], {})).toEqual([]);
  });

  it('adds to the table\'s own list: the balancer\'s X-Forwarded-For is believed, and the table\'s proxy still is', () => {
    const t = compile(['172.30.80.10']);
    expect(clientAddress('172.30.80.10', '203.0.113.7', t.trustedProxies)).toEqual({ clientIp: '203.0.113.7', peerTrusted: true });
    expect(clientAddress('10.0.0.1', '203.0.113.8', t.trustedProxies)).toEqual({ clientIp: '203.0.113.8', peerTrusted: true });
  });

  it('without the override the balancer is just another client, whatever header it sends', () => {
    const t = compile([]);
    expect(clientAddress('172.30.80.10', '203.0.113.7', t.trustedProxies)).toEqual({ clientIp: '172.30.80.10', peerTrusted: false });
  });

  it('refuses a malformed entry, naming the override rather than the file', () => {
    let issues: string[] = [];
    try {
      compile(['172.30.80.10', 'not-an-address']);
    } catch (e) {
      if (!(e instanceof RouteTableError)) throw e;
      issues = e.issues.map((i) => i.path);
    }
    expect(issues).toEqual(['override trusted proxy "not-an-address"']);
  });
});
