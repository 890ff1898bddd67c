import type { AddressInfo } from 'node:net';
import { compileRouteTable } from '../../src/config/load';
import { silentLogger } from '../../src/observability/logger';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server';

/** A gateway with the given upstreams (name → settings) and routes, plus a catch-all to the first upstream. */
export interface ResilienceStack {
  readonly port: number;
  readonly gateway: Gateway;
  readonly metrics: GatewayMetrics;
  close(): Promise<void>;
}

export async function startResilienceGateway(
  upstreams: Record<string, Record<string, unknown>>,
  routes: unknown[],
  options: { extra?: Record<string, unknown>; resilience?: GatewayOptions['resilience'] } = {},
): Promise<ResilienceStack> {
  const first = Object.keys(upstreams)[0] as string;
  const table = compileRouteTable(
    { upstreams, routes: [...routes, { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: first } }], ...options.extra },
    'test',
  );
  const metrics = createMetrics({ defaultMetrics: false });
  const gateway = createGateway({ table, logger: silentLogger(), metrics, ...(options.resilience ? { resilience: options.resilience } : {}) });
  await gateway.listen(0, '127.0.0.1');
  return { port: (gateway.server.address() as AddressInfo).port, gateway, metrics, close: () => gateway.close() };
}

/** A route answered by `upstream` in mode legacy, with optional resilience overrides. */
export function legacyRoute(id: string, path: string, upstream: string, resilience?: Record<string, unknown>): Record<string, unknown> {
  return { id, path, mode: 'legacy', legacy: { upstream }, ...(resilience ? { resilience } : {}) };
}
