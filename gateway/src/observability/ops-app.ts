import express from 'express';
import type { RouteTable } from '../config/table';
import type { GatewayMetrics } from './metrics';

/** Paths the gateway answers itself on the public listener, before routing. */
export const OPS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Health and metrics, on express: these are low-rate endpoints where a framework's
 * convenience costs nothing that matters.
 */
export function createOpsApp(deps: { table: () => RouteTable; metrics: GatewayMetrics; ready: () => boolean }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const table = deps.table();
    const ready = deps.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting', routes: table.routes.length, upstreams: [...table.upstreams.keys()] });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
