import dns from 'node:dns/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { tracingWanted } from '../../platform';
import type { Limits } from './config/schema';
import type { CompiledTarget, RouteTable } from './config/table';
import { isAdminPath } from './control/admin-paths';
import { Plans } from './forwarding/plans';
import { Call } from './forwarding/policy';
import { instancePool } from './forwarding/instances/pools';
import { UpstreamInstances } from './forwarding/instances/upstream-instances';
import type { AddressResolver } from './forwarding/instances/discovery';
import type { InstanceView } from './forwarding/instances/instance';
import { forwardStage, respondStage } from './forwarding/stages';
import { streamResponder } from './forwarding/stream';
import { answerClientError, answerConnect, answerExpectation } from './http/client-errors';
import { lineWriter, type Logger } from './observability/logger';
import type { GatewayMetrics } from './observability/metrics';
import { createOpsApp, OPS_PATHS } from './observability/ops-app';
import type { GatewayTracer } from './observability/spans';
import { contextStageWith } from './pipeline/context';
import type { Responder, Stage } from './pipeline/exchange';
import { guardStage, PARSED_HEADER_CAP } from './pipeline/guards';
import type { CanaryOutcomeSink } from './pipeline/outcome';
import { createPipeline } from './pipeline/pipeline';
import { decideStage, matchStage, normaliseStage } from './pipeline/route';
import { shedStage } from './pipeline/shed-gate';
import type { CircuitView } from './resilience/breaker';
import { mathRandom, monotonicClock, type Clock, type Random } from './resilience/clock';
import { registerResilienceMetrics } from './resilience/metrics';
import { ResilienceRegistry } from './resilience/registry';
import { eventLoopDelaySampler, LoadShedder } from './resilience/shedder';
import { ShadowMirror } from './shadow/mirror';
import type { ShadowOutcome } from './shadow/types';
import { requestTranslateStage } from './translate/request';
import { translatingResponder } from './translate/response';

/** Counts what each upstream receives per route, for the proof of retirement across a fleet. */
export interface TrafficCounter {
  count(routeId: string, upstream: string): void;
}

export interface GatewayOptions {
  readonly table: RouteTable;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly traffic?: TrafficCounter;
  /** Injected in tests: the policies' clock and random source, and the event-loop delay the shedder reads. */
  readonly resilience?: { readonly clock?: Clock; readonly random?: Random; readonly eventLoopDelayMs?: () => number };
  /** Where upstreams that discover their instances look them up; node's resolver by default. */
  readonly resolver?: AddressResolver;
  /** Whose standard OTEL_* variables turn the gateway's spans on (the SDK loads only then); process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** The gateway's spans, given, or null for none; absent: as `env` asks. */
  readonly tracer?: GatewayTracer | null;
}

export interface Gateway {
  readonly server: http.Server;
  /** The table in service. */
  table(): RouteTable;
  /** Puts a new, already validated table in service; requests in flight finish on the old one. */
  swap(next: RouteTable): void;
  /** Each upstream's circuit state, for `routes explain` through the admin API. */
  circuits(): CircuitView[];
  /** Each upstream's instances with their state, for `routes explain` and the admin API. */
  instances(): InstanceView[];
  /** Where per-route upstream counts go (the control plane's recorder, started after the gateway). */
  setTraffic(traffic: TrafficCounter): void;
  /** Where shadow comparison outcomes go (the control plane's shadow recorder). */
  setShadowSink(sink: (outcome: ShadowOutcome) => void): void;
  /** Where the outcome of each canary request goes (the control plane's evidence for rollouts). */
  setCanarySink(sink: CanaryOutcomeSink): void;
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  close(): Promise<void>;
}

/** Node's own parser limit: room for the longest target we answer 414 to, plus the head limit we answer 431 to. */
const PARSER_HEAD_BYTES = 65_536 + 65_536;

/**
 * The gateway's composition root: the stages of the request pipeline in order, the plans that
 * reach each target, and the listener. Only here are the layers wired together.
 */
export function createGateway(options: GatewayOptions): Gateway {
  let current = options.table;
  let listening = false;
  const table = () => current;
  const { logger, metrics } = options;
  const sinks: Sinks = { traffic: options.traffic ?? null, shadow: null, canary: null };
  const parts = resilienceParts(options, metrics);
  const tracer = options.tracer !== undefined ? options.tracer : tracerFromEnv(options.env ?? process.env);
  const write = lineWriter(logger);
  const instances = new UpstreamInstances({
    clock: parts.clock,
    random: parts.random,
    poolFor: instancePool,
    log: (message, fields) => write(message.includes('ejected') || message.includes('unhealthy') || message.includes('failed') ? 'warn' : 'info', message, fields),
    counted: (upstream, instance) => metrics.instanceRequest(upstream, instance),
    resolver: options.resolver ?? new dns.Resolver(),
  });
  metrics.watchInstances(() => instances.views());
  instances.prepare(current);
  // Shadow outcomes go to the control plane's recorder once it is attached; until then they are not kept.
  const mirror = new ShadowMirror((outcome) => sinks.shadow?.(outcome), current.shadowing, (u) => instances.get(u.name) ?? null);
  const sent = sending(metrics, sinks);
  const plans = new Plans({ instances, registry: parts.registry, clock: parts.clock, random: parts.random, events: parts.events, sent, responderFor });
  plans.prepare(current);
  const proxy = createPipeline(stages(parts, plans, instances, mirror, sent, tracer), { table, logger, metrics, canary: (o) => sinks.canary?.(o) });
  metrics.describe(current);
  const server = listener(proxy, createOpsApp({ table, metrics, ready: () => listening }), current.limits);
  return {
    server,
    table,
    swap(next) {
      current = next;
      instances.prepare(next);
      plans.prepare(next);
      mirror.reconfigure(next.shadowing, next.upstreams.values());
      parts.registry.retain(next);
      metrics.describe(next);
    },
    circuits: () => parts.registry.circuits(),
    instances: () => instances.views(),
    setTraffic: (next) => void (sinks.traffic = next),
    setShadowSink: (sink) => void (sinks.shadow = sink),
    setCanarySink: (sink) => void (sinks.canary = sink),
    async listen(port, host) {
      // Upstreams found in DNS are looked up before the first request can need them.
      await instances.ready();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      listening = true;
      const addr = server.address();
      return { port: typeof addr === 'object' && addr ? addr.port : port, host };
    },
    close() {
      listening = false;
      return new Promise((resolve) => {
        server.close(() => {
          instances.close();
          mirror.close();
          parts.stop();
          // Spans still buffered are sent before the process goes (a collector that is down costs nothing more).
          void (tracer?.shutdown().catch(() => undefined) ?? Promise.resolve()).then(() => resolve());
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** The gateway's spans when the OTEL_* variables ask for them, else null: the SDK is required here and only then. */
function tracerFromEnv(env: NodeJS.ProcessEnv): GatewayTracer | null {
  if (!tracingWanted(env)) return null;
  const { startGatewayTracing } = require('./observability/otel-spans') as typeof import('./observability/otel-spans');
  return startGatewayTracing(env);
}

/** Where counts and shadow outcomes go, once the control plane has started. */
interface Sinks {
  traffic: TrafficCounter | null;
  shadow: ((outcome: ShadowOutcome) => void) | null;
  canary: CanaryOutcomeSink | null;
}

/** Counts a request sent to an upstream for a route: on /metrics, and for the fleet's proof of retirement. */
function sending(metrics: GatewayMetrics, sinks: Sinks): (call: Call) => void {
  return (call) => {
    const upstream = call.plan.upstream.name;
    call.x.upstream = upstream;
    metrics.sent(call.plan.routeId, upstream);
    sinks.traffic?.count(call.plan.routeId, upstream);
  };
}

/** The stateful resilience parts, which outlive tables: clock, shedder, breakers and budgets, and their events. */
function resilienceParts(options: GatewayOptions, metrics: GatewayMetrics) {
  const r = options.resilience ?? {};
  const clock = r.clock ?? monotonicClock;
  const delay = r.eventLoopDelayMs ? null : eventLoopDelaySampler(clock);
  const registry = new ResilienceRegistry(clock);
  return {
    clock,
    random: r.random ?? mathRandom,
    shedder: new LoadShedder(r.eventLoopDelayMs ?? (() => delay?.read() ?? 0)),
    registry,
    events: registerResilienceMetrics(metrics.registry, () => registry.circuits()),
    stop: () => delay?.stop(),
  };
}

/** A target's own responder: translated by its response (and error) mapping, or streamed. */
function responderFor(target: CompiledTarget): Responder {
  const t = target.translate;
  return t?.response || t?.error ? translatingResponder(t.response, undefined, t.error) : streamResponder;
}

/** The request pipeline, outermost first: fixed outer stages, then the editable middle that reaches an upstream. */
function stages(parts: ReturnType<typeof resilienceParts>, plans: Plans, instances: UpstreamInstances, mirror: ShadowMirror, sent: (call: Call) => void, tracer: GatewayTracer | null): Stage[] {
  const { events, registry } = parts;
  return [
    shedStage(parts.shedder, (why) => events.emit('shed', why)),
    contextStageWith(tracer),
    guardStage,
    normaliseStage(isAdminPath),
    matchStage,
    decideStage,
    respondStage(plans, { instances: (u) => instances.get(u.name) ?? null, circuitOpen: (u) => registry.circuit(u)?.state === 'open' }, events),
    mirror.stage,
    requestTranslateStage,
    forwardStage(plans, sent),
  ];
}

/** The public listener: the ops endpoints, the pipeline, and Node's parser held to the gateway's rules. */
function listener(proxy: (req: IncomingMessage, res: ServerResponse) => void, ops: (req: IncomingMessage, res: ServerResponse) => void, limits: Limits): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: PARSER_HEAD_BYTES,
      insecureHTTPParser: false,
      // Refused by the guards instead, with a problem+json body like every other refusal.
      requireHostHeader: false,
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
  // Node would send 100 Continue before the handler runs; the decide stage sends it once the head passed its checks, so a 413 is never preceded by it.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  server.on('checkExpectation', answerExpectation);
  server.on('connect', answerConnect);
  // The guards must see every field: a head the parser truncates at this count always fails their count (maxHeaderCount ≤ 1000).
  server.maxHeadersCount = PARSED_HEADER_CAP;
  server.on('clientError', answerClientError);
  return server;
}
