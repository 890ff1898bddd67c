import type { AddressInfo } from 'node:net';
import { compileRouteTable } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';
import { silentLogger, type Logger } from '../../src/observability/logger';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics';
import { createGateway, type Gateway } from '../../src/server';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly metrics: GatewayMetrics;
  close(): Promise<void>;
}

/** A table with one upstream named `legacy` (or as given) and a catch-all, plus the routes given. */
export function tableFor(upstreams: Record<string, string>, routes: unknown[], extra: Record<string, unknown> = {}): RouteTable {
  const first = Object.keys(upstreams)[0] as string;
  return compileRouteTable(
    {
      upstreams: Object.fromEntries(Object.entries(upstreams).map(([name, url]) => [name, { url }])),
      routes: [...routes, { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: first } }],
      ...extra,
    },
    'test',
  );
}

/** Starts the real gateway on 127.0.0.1, port 0. */
export async function startGateway(table: RouteTable, logger: Logger = silentLogger()): Promise<RunningGateway> {
  const metrics = createMetrics({ defaultMetrics: false });
  const gateway = createGateway({ table, logger, metrics });
  await gateway.listen(0, '127.0.0.1');
  const port = (gateway.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, gateway, metrics, close: () => gateway.close() };
}
