import http from 'node:http';
import type { RouteTable } from './config/table';
import { AgentPool } from './forwarding/agents';
import type { Logger } from './observability/logger';
import type { GatewayMetrics } from './observability/metrics';
import { createOpsApp, OPS_PATHS } from './observability/ops-app';
import { answerClientError } from './pipeline/client-errors';
import { createProxyHandler, type PipelineDeps } from './pipeline/handler';

export interface GatewayOptions {
  readonly table: RouteTable;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly traffic?: PipelineDeps['traffic'];
}

export interface Gateway {
  readonly server: http.Server;
  /** The table in service. */
  table(): RouteTable;
  /** Puts a new, already validated table in service; requests in flight finish on the old one. */
  swap(next: RouteTable): void;
  /** Where per-route upstream counts go (the control plane's recorder, started after the gateway). */
  setTraffic(traffic: NonNullable<PipelineDeps['traffic']>): void;
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  close(): Promise<void>;
}

/** Node's own parser limit: room for the longest target we answer 414 to, plus the head limit we answer 431 to. */
const PARSER_HEAD_BYTES = 65_536 + 65_536;

export function createGateway(options: GatewayOptions): Gateway {
  let current = options.table;
  let listening = false;
  const agents = new AgentPool();
  const table = () => current;
  let traffic = options.traffic;
  const proxy = createProxyHandler({ table, agents, logger: options.logger, metrics: options.metrics, traffic: { count: (r, u) => traffic?.count(r, u) } });
  options.metrics.describe(current);
  const ops = createOpsApp({ table, metrics: options.metrics, ready: () => listening });
  const limits = current.limits;
  const server = http.createServer(
    {
      maxHeaderSize: PARSER_HEAD_BYTES,
      insecureHTTPParser: false,
      requireHostHeader: true,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 300_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      if (OPS_PATHS.has(q === -1 ? url : url.slice(0, q))) ops(req, res);
      else proxy(req, res);
    },
  );
  server.on('clientError', answerClientError);
  return {
    server,
    table,
    swap(next) {
      current = next;
      agents.retain(next.upstreams.values());
      options.metrics.describe(next);
    },
    setTraffic(next) {
      traffic = next;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          listening = true;
          const addr = server.address();
          resolve({ port: typeof addr === 'object' && addr ? addr.port : port, host });
        });
      });
    },
    close() {
      listening = false;
      return new Promise((resolve) => {
        server.close(() => {
          agents.destroy();
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
