import http from 'node:http';
import type { RouteTable } from './config/table';
import { isAdminPath } from './control/admin-paths';
import { AgentPool } from './forwarding/agents';
import type { Logger } from './observability/logger';
import type { GatewayMetrics } from './observability/metrics';
import { createOpsApp, OPS_PATHS } from './observability/ops-app';
import { answerClientError } from './pipeline/client-errors';
import { PARSED_HEADER_CAP } from './pipeline/guards';
import { createProxyHandler, type PipelineDeps } from './pipeline/handler';
import { ShadowMirror } from './shadow/mirror';
import type { ShadowOutcome } from './shadow/types';
import type { CircuitView } from './resilience/breaker';
import { mathRandom, monotonicClock, type Clock, type Random } from './resilience/clock';
import { registerResilienceMetrics } from './resilience/metrics';
import { ResilienceRegistry } from './resilience/registry';
import { shedGate } from './resilience/shed-gate';
import { eventLoopDelaySampler, LoadShedder } from './resilience/shedder';

export interface GatewayOptions {
  readonly table: RouteTable;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly traffic?: PipelineDeps['traffic'];
  /** Injected in tests: the policies' clock and random source, and the event-loop delay the shedder reads. */
  readonly resilience?: { readonly clock?: Clock; readonly random?: Random; readonly eventLoopDelayMs?: () => number };
}

export interface Gateway {
  readonly server: http.Server;
  /** The table in service. */
  table(): RouteTable;
  /** Puts a new, already validated table in service; requests in flight finish on the old one. */
  swap(next: RouteTable): void;
  /** Each upstream's circuit state, for `routes explain` through the admin API. */
  circuits(): CircuitView[];
  /** Where per-route upstream counts go (the control plane's recorder, started after the gateway). */
  setTraffic(traffic: NonNullable<PipelineDeps['traffic']>): void;
  /** Where shadow comparison outcomes go (the control plane's shadow recorder). */
  setShadowSink(sink: (outcome: ShadowOutcome) => void): void;
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
  // Shadow outcomes go to the control plane's recorder once it is attached; until then they are not kept.
  let shadowSink: ((outcome: ShadowOutcome) => void) | null = null;
  const mirror = new ShadowMirror((outcome) => shadowSink?.(outcome), current.shadowing);
  const r = options.resilience ?? {};
  const clock = r.clock ?? monotonicClock;
  const delay = r.eventLoopDelayMs ? null : eventLoopDelaySampler(clock);
  const shedder = new LoadShedder(r.eventLoopDelayMs ?? (() => delay?.read() ?? 0));
  const registry = new ResilienceRegistry(clock);
  const resilienceMetrics = registerResilienceMetrics(options.metrics.registry, () => registry.circuits());
  const resilience = { agents, registry, clock, random: r.random ?? mathRandom, event: resilienceMetrics.event };
  const proxyHandler = createProxyHandler({ table, agents, resilience, logger: options.logger, metrics: options.metrics, traffic: { count: (r, u) => traffic?.count(r, u) }, shadow: mirror, reserved: isAdminPath });
  const proxy = shedGate(shedder, () => current.shedding, (why) => resilienceMetrics.event('shed', why), proxyHandler);
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
  // Node would send 100 Continue before the handler runs; the handler sends it once the head passed its checks, so a 413 is never preceded by it.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  // The guards must see every field: a head the parser truncates at this count always fails their count (maxHeaderCount ≤ 1000).
  server.maxHeadersCount = PARSED_HEADER_CAP;
  server.on('clientError', answerClientError);
  return {
    server,
    table,
    swap(next) {
      current = next;
      agents.retain(next.upstreams.values());
      mirror.reconfigure(next.shadowing, next.upstreams.values());
      registry.retain(next);
      options.metrics.describe(next);
    },
    circuits: () => registry.circuits(),
    setTraffic(next) {
      traffic = next;
    },
    setShadowSink(sink) {
      shadowSink = sink;
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
          mirror.close();
          delay?.stop();
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
