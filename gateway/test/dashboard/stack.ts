import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../../platform/test-kit/eventually';
import { loadRouteTableFile } from '../../src/config/load';
import { startControlPlane, type ControlPlane } from '../../src/control/plane';
import { silentLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { createGateway, type Gateway } from '../../src/server';
import { startUpstream, type TestUpstream } from '../kit/upstream';

export const TOKEN = 'dashboard-test-token-5f2c9a71';

/**
 * A gateway with its control plane and admin listener (port 0), in front of a legacy and a new
 * upstream, with a state store in a temporary SQLite file that the CLI can also open: the running
 * stack the dashboard is tested on. Products are shadowed with a planted difference on item 3
 * and noise (generatedAt) on every answer; orders have a new side and no traffic of their own.
 */
export interface DashboardStack {
  readonly dir: string;
  readonly routesFile: string;
  readonly stateUrl: string;
  readonly publicUrl: string;
  readonly adminUrl: string;
  readonly gateway: Gateway;
  readonly plane: ControlPlane;
  /** Sends GETs through the public listener and waits until their counts (and shadow results) are in the store. */
  traffic(paths: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

function routeTable(legacy: string, fresh: string): object {
  return {
    upstreams: { monolith: { url: legacy }, catalog: { url: fresh } },
    routes: [
      {
        id: 'products',
        path: '/api/products/*',
        methods: ['GET'],
        mode: 'legacy',
        legacy: { upstream: 'monolith' },
        new: { upstream: 'catalog' },
        shadow: { noiseSample: 1, gate: { minCompared: 5, minMatchRate: 0.99, maxNewErrorRate: 0.01 } },
      },
      { id: 'orders', path: '/api/orders/*', mode: 'legacy', legacy: { upstream: 'monolith' }, new: { upstream: 'catalog' } },
      { id: 'reports', path: '/api/reports/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
    ],
  };
}

function product(side: 'legacy' | 'new') {
  return (req: { url?: string | undefined }, res: import('node:http').ServerResponse) => {
    const id = Number(/\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    res.setHeader('content-type', 'application/json');
    // Item 3's price differs on the new side (a real difference); generatedAt differs on every answer (noise).
    const price = side === 'new' && id === 3 ? 11.5 : 10;
    res.end(JSON.stringify({ id, name: `item ${id}`, price, tags: ['a', 'b'], generatedAt: process.hrtime.bigint().toString() }));
  };
}

export async function startDashboardStack(): Promise<DashboardStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-dashboard-'));
  const legacy: TestUpstream = await startUpstream(product('legacy'));
  const fresh: TestUpstream = await startUpstream(product('new'));
  const routesFile = path.join(dir, 'routes.json');
  writeFileSync(routesFile, JSON.stringify(routeTable(legacy.url, fresh.url)));
  const stateUrl = `sqlite:${path.join(dir, 'state.sqlite')}`;
  const load = (file: string) => loadRouteTableFile(file);
  const table = load(routesFile);
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = silentLogger();
  const gateway = createGateway({ table, logger, metrics });
  const plane = await startControlPlane({
    stateUrl,
    routesFile,
    load,
    baseline: table,
    swap: (t) => gateway.swap(t),
    logger,
    replica: 'dashboard-test',
    pollMs: 200,
    watch: false,
    metrics,
    registry: metrics.registry,
    dataDir: dir,
    circuits: () => gateway.circuits(),
    instances: () => gateway.instances(),
    admin: { host: '127.0.0.1', port: 0, token: TOKEN },
  });
  gateway.setTraffic(plane.traffic);
  gateway.setShadowSink((o) => plane.shadow.record(o));
  const { port } = await gateway.listen(0, '127.0.0.1');
  const publicUrl = `http://127.0.0.1:${port}`;
  return {
    dir,
    routesFile,
    stateUrl,
    publicUrl,
    adminUrl: plane.adminUrl ?? '',
    gateway,
    plane,
    async traffic(paths) {
      const before = await shadowCompared(plane.adminUrl ?? '');
      const shadowed = gateway.table().routes.find((r) => r.id === 'products')?.mode === 'shadow';
      for (const p of paths) await (await fetch(`${publicUrl}${p}`)).text();
      const expected = before + (shadowed ? paths.filter((p) => p.startsWith('/api/products/')).length : 0);
      // The mirror answers off the response path: wait for its outcomes before flushing them.
      await eventually(async () => {
        await plane.shadow.flush();
        return (await shadowCompared(plane.adminUrl ?? '')) >= expected;
      });
      await plane.traffic.flush();
    },
    async close() {
      await gateway.close();
      await plane.close();
      await legacy.close();
      await fresh.close();
    },
  };
}

/** Compared requests of products so far, through the admin API as any client reads them. */
async function shadowCompared(adminUrl: string): Promise<number> {
  const res = await fetch(`${adminUrl}/admin/shadow/report?route=products`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { compared: number; newErrors: number }[];
  return (body[0]?.compared ?? 0) + (body[0]?.newErrors ?? 0);
}
