import dns from 'node:dns/promises';
import { eventually } from '../../../../platform/test-kit/eventually';
import { compileRouteTable } from '../../../src/config/load';
import { createMetrics } from '../../../src/observability/metrics';
import { createGateway, type Gateway } from '../../../src/server';
import { send } from '../../kit/http-client';
import { captureLogs, type LogCapture } from '../../kit/log-capture';
import { startDns, type TestDns } from './dns-server';
import { ok, startInstance, type TestInstance } from './servers';

/**
 * Instances found in DNS, against a resolver the test runs on loopback: two servers on one port at
 * 127.0.0.1 and 127.0.0.2 stand for two replicas behind one service name.
 */
let name: TestDns;
let a: TestInstance;
let b: TestInstance;
let gateway: Gateway;
let port: number;
let logs: LogCapture;

beforeEach(async () => {
  name = await startDns();
  a = await startInstance(ok, '127.0.0.1');
  b = await startInstance(ok, '127.0.0.2', a.port);
  name.set('catalog.internal', ['127.0.0.1'], 1);
  // Short timeouts: a lookup the test makes fail should fail at once, not after c-ares' 20 s of retries.
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([name.server]);
  const table = compileRouteTable(
    { upstreams: { catalog: { discover: { dns: 'catalog.internal', port: a.port, refreshMs: 1_000 } } }, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'catalog' } }] },
    'test',
  );
  logs = captureLogs();
  gateway = createGateway({ table, logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }), resolver });
  ({ port } = await gateway.listen(0, '127.0.0.1'));
});

afterEach(async () => {
  await gateway.close();
  await Promise.all([a.close(), b.close(), name.close()]);
});

describe('instances found in DNS', () => {
  it('are looked up before the gateway listens, and never per request', async () => {
    expect(gateway.instances().map((i) => i.instance)).toEqual([`127.0.0.1:${a.port}`]);
    const asked = name.queries();
    for (let i = 0; i < 20; i++) expect((await send(port, `/p/${i}`)).status).toBe(200);
    // The background refresh may ask again (once a second); twenty requests did not ask twenty times.
    expect(name.queries() - asked).toBeLessThanOrEqual(4);
    expect(a.served()).toBe(20);
  });

  it('follow the records: a replica added joins, a replica removed drains, and a failed lookup keeps what was found', async () => {
    name.set('catalog.internal', ['127.0.0.1', '127.0.0.2'], 1);
    await eventually(() => gateway.instances().length === 2);
    for (let i = 0; i < 20; i++) await send(port, `/p/${i}`);
    expect(b.served()).toBeGreaterThan(0);

    name.set('catalog.internal', ['127.0.0.2'], 1);
    await eventually(() => gateway.instances().map((i) => i.instance).join() === `127.0.0.2:${a.port}`);
    const before = a.served();
    for (let i = 0; i < 10; i++) expect((await send(port, `/q/${i}`)).status).toBe(200);
    expect(a.served()).toBe(before);

    await name.close();
    await eventually(() => logs.entries().some((e) => e['message'] === 'instance discovery failed'));
    expect(gateway.instances().map((i) => i.instance)).toEqual([`127.0.0.2:${a.port}`]);
    expect((await send(port, '/still')).status).toBe(200);
  });

  it('refuses a discovery name that is a metadata endpoint, with its path', () => {
    expect(() =>
      compileRouteTable({ upstreams: { x: { discover: { dns: 'metadata.google.internal', port: 80 } } }, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'x' } }] }, 'test'),
    ).toThrow(/upstreams\.x\.discover\.dns: host metadata\.google\.internal is a cloud metadata endpoint/);
  });
});
