import { eventually } from '../../../../platform/test-kit/eventually';
import { compileRouteTable } from '../../../src/config/load';
import { createMetrics } from '../../../src/observability/metrics';
import { createGateway, type Gateway } from '../../../src/server';
import type { RouteTable } from '../../../src/config/table';
import { captureLogs } from '../../kit/log-capture';
import { send } from '../../kit/http-client';
import { failing, ok, slow, startInstance, type TestInstance } from './servers';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

function tableWith(app: Record<string, unknown>): RouteTable {
  return compileRouteTable({ upstreams: { app }, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'app' } }] }, 'test');
}

async function gatewayFor(table: RouteTable): Promise<{ gateway: Gateway; port: number; logs: ReturnType<typeof captureLogs>; metrics: ReturnType<typeof createMetrics> }> {
  const logs = captureLogs();
  const metrics = createMetrics({ defaultMetrics: false });
  const gateway = createGateway({ table, logger: logs.logger, metrics });
  const { port } = await gateway.listen(0, '127.0.0.1');
  opened.push({ close: () => gateway.close() });
  return { gateway, port, logs, metrics };
}

async function instances(...handlers: Parameters<typeof startInstance>[0][]): Promise<TestInstance[]> {
  const started = await Promise.all(handlers.map((h) => startInstance(h)));
  opened.push(...started);
  return started;
}

/** Sends `total` GETs, `concurrency` at a time; resolves with their statuses. */
async function load(port: number, total: number, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        statuses.push((await send(port, `/item/${next}`)).status);
      }
    }),
  );
  return statuses;
}

describe('an upstream with several instances, through the gateway', () => {
  it('p2c sends less to a slow instance', async () => {
    const [fast, lagging] = await instances(ok, slow(40));
    const { port } = await gatewayFor(tableWith({ instances: [{ url: fast!.url }, { url: lagging!.url }] }));
    expect(new Set(await load(port, 200, 8))).toEqual(new Set([200]));
    expect(fast!.served()).toBeGreaterThan(lagging!.served() * 2);
  });

  it('ejects an instance that refuses connections (reads still succeed through the other), and takes it back after a trial', async () => {
    const [up] = await instances(ok);
    // A port that was just listened on and closed: connections to it are refused.
    const downPort = await startInstance(ok);
    await downPort.close();
    const table = tableWith({ instances: [{ url: up!.url }, { url: downPort.url }], outlier: { consecutiveFailures: 2, baseEjectionMs: 500 }, breaker: { enabled: false } });
    const { gateway, port, logs } = await gatewayFor(table);
    expect(new Set(await load(port, 30, 3))).toEqual(new Set([200]));
    expect(gateway.instances().find((i) => i.instance.endsWith(`:${downPort.port}`))).toMatchObject({ state: 'ejected', ejections: 1 });
    expect(logs.entries().some((e) => e['message'] === 'instance ejected')).toBe(true);
    const back = await startInstance(ok, '127.0.0.1', downPort.port);
    opened.push(back);
    await eventually(async () => {
      await load(port, 5, 1);
      return gateway.instances().every((i) => i.state === 'healthy');
    });
    expect(back.served()).toBeGreaterThan(0);
  });

  it('an instance that answers 503 to everything gets almost no traffic once found out', async () => {
    const [good, bad] = await instances(ok, failing);
    const { port } = await gatewayFor(tableWith({ instances: [{ url: good!.url }, { url: bad!.url }], outlier: { consecutiveFailures: 3, baseEjectionMs: 60_000 }, breaker: { enabled: false } }));
    expect(new Set(await load(port, 200, 4))).toEqual(new Set([200]));
    expect(bad!.served()).toBeLessThanOrEqual(10);
    expect(good!.served()).toBeGreaterThanOrEqual(200);
  });

  it('with every instance down, a request is still tried (panic mode)', async () => {
    const [a, b] = await instances(failing, failing);
    const { port } = await gatewayFor(tableWith({ instances: [{ url: a!.url }, { url: b!.url }], outlier: { consecutiveFailures: 1, maxEjectedPercent: 100 }, retry: { maxRetries: 0 }, breaker: { enabled: false } }));
    await load(port, 4, 1);
    const before = a!.served() + b!.served();
    expect((await send(port, '/after')).status).toBe(503);
    expect(a!.served() + b!.served()).toBe(before + 1);
  });

  it('active health checks take an instance whose probe fails out of rotation, and bring it back', async () => {
    let healthy = false;
    const [steady, flaky] = await instances(ok, (req, res) => (req.url === '/healthz' && !healthy ? failing(req, res) : ok(req, res)));
    const { gateway, port } = await gatewayFor(tableWith({ instances: [{ url: steady!.url }, { url: flaky!.url }], healthCheck: { intervalMs: 100, timeoutMs: 1_000, unhealthyAfter: 1 } }));
    await eventually(() => gateway.instances().some((i) => i.state === 'unhealthy'));
    const served = flaky!.served();
    await load(port, 40, 2);
    // Probes still reach it; requests do not.
    expect(flaky!.served() - served).toBeLessThan(10);
    healthy = true;
    await eventually(() => gateway.instances().every((i) => i.state === 'healthy'));
  });

  it('removing an instance by a reload under load fails no request, and its requests finish', async () => {
    const [a, b] = await instances(slow(20), slow(20));
    const both = tableWith({ instances: [{ url: a!.url }, { url: b!.url }] });
    const { gateway, port } = await gatewayFor(both);
    const running = load(port, 200, 10);
    await eventually(() => b!.served() > 10);
    gateway.swap(tableWith({ instances: [{ url: a!.url }] }));
    const afterSwap = b!.served();
    const statuses = await running;
    expect(new Set(statuses)).toEqual(new Set([200]));
    // Only the requests already on their way to b when it was removed reached it.
    expect(b!.served() - afterSwap).toBeLessThanOrEqual(10);
    expect(gateway.instances().map((i) => i.instance)).toEqual([a!.url.slice('http://'.length)]);
  });

  it('publishes per-instance series on /metrics', async () => {
    const [a, b] = await instances(ok, ok);
    const { port, metrics } = await gatewayFor(tableWith({ instances: [{ url: a!.url }, { url: b!.url }] }));
    await load(port, 10, 2);
    const text = await metrics.registry.metrics();
    for (const i of [a!, b!]) {
      const label = `upstream="app",instance="127.0.0.1:${i.port}"`;
      expect(text).toContain(`strangler_instance_requests_total{${label}} ${i.served()}`);
      expect(text).toContain(`strangler_instance_state{${label},state="healthy"} 1`);
      expect(text).toContain(`strangler_instance_in_flight{${label}} 0`);
    }
  });
});
