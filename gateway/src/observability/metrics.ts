import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ROUTE_MODES } from '../config/schema';
import type { RouteTable } from '../config/table';

/** What became of one shadowed request, as counted on /metrics. */
export type ShadowResult = 'match' | 'mismatch' | 'new_error' | 'new_timeout' | 'legacy_error' | 'legacy_timeout' | 'dropped' | 'body_too_large' | 'compare_error';

/** The gateway's Prometheus metrics on a registry of its own (no global state). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Records one finished request; label children are cached so the hot path does no hashing of label objects. */
  observe(route: string, upstream: string, mode: string, status: number, seconds: number): void;
  /** Records one request sent to an upstream for a route (a fallback sends two). */
  sent(route: string, upstream: string): void;
  /** Publishes the table in service: each route's mode, canary share and the state version. */
  describe(table: RouteTable): void;
  /** Counts one shadowed request by what came of it (match and mismatch judged on the learned noise). */
  shadow(route: string, result: ShadowResult): void;
  /** Counts an error that reached the process's last-resort handler instead of a request's own. */
  processError(kind: 'unhandled-rejection' | 'uncaught-exception'): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'strangler_' });
  const m = defineInstruments(registry);
  const shadowChildren = new Map<string, ReturnType<typeof m.shadowRequests.labels>>();
  const sentChildren = new Map<string, { count: ReturnType<typeof m.upstreamRequests.labels>; last: ReturnType<typeof m.lastSent.labels> }>();
  const counters = new Map<string, ReturnType<typeof m.requests.labels>>();
  const histograms = new Map<string, ReturnType<typeof m.duration.labels>>();
  return {
    registry,
    observe(route, upstream, mode, status, seconds) {
      const hKey = `${route}\u0000${upstream}\u0000${mode}`;
      const cKey = `${hKey}\u0000${status}`;
      let c = counters.get(cKey);
      if (!c) counters.set(cKey, (c = m.requests.labels(route, upstream, mode, String(status))));
      c.inc();
      let h = histograms.get(hKey);
      if (!h) histograms.set(hKey, (h = m.duration.labels(route, upstream, mode)));
      h.observe(seconds);
    },
    sent(route, upstream) {
      const key = `${route}\u0000${upstream}`;
      let c = sentChildren.get(key);
      if (!c) sentChildren.set(key, (c = { count: m.upstreamRequests.labels(route, upstream), last: m.lastSent.labels(route, upstream) }));
      c.count.inc();
      c.last.set(Date.now() / 1000);
    },
    shadow(route, result) {
      const key = `${route}\u0000${result}`;
      let c = shadowChildren.get(key);
      if (!c) shadowChildren.set(key, (c = m.shadowRequests.labels(route, result)));
      c.inc();
    },
    processError(kind) {
      m.processErrors.labels(kind).inc();
    },
    describe(table) {
      m.modeGauge.reset();
      m.percentGauge.reset();
      for (const route of table.routes) {
        for (const mode of ROUTE_MODES) m.modeGauge.labels(route.id, mode).set(route.mode === mode ? 1 : 0);
        m.percentGauge.labels(route.id).set(route.mode === 'canary' ? route.percent : route.mode === 'new' || route.mode === 'retired' ? 100 : 0);
      }
      m.versionGauge.set(table.version);
    },
  };
}

/** Every metric the gateway publishes, registered on its registry: names, help and labels as /metrics shows them. */
function defineInstruments(registry: Registry) {
  return {
    requests: new Counter({
      name: 'strangler_requests_total',
      help: 'Requests answered by the gateway, by route, upstream, mode and status.',
      labelNames: ['route', 'upstream', 'mode', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'strangler_request_duration_seconds',
      help: 'Time from request received to response finished, by route, upstream and mode.',
      labelNames: ['route', 'upstream', 'mode'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: 'strangler_upstream_requests_total',
      help: 'Requests sent to each upstream for each route since the gateway started: legacy at zero for a route is the proof it can be retired.',
      labelNames: ['route', 'upstream'] as const,
      registers: [registry],
    }),
    lastSent: new Gauge({
      name: 'strangler_upstream_last_request_timestamp_seconds',
      help: 'When each upstream last received a request for each route (Unix seconds).',
      labelNames: ['route', 'upstream'] as const,
      registers: [registry],
    }),
    modeGauge: new Gauge({
      name: 'strangler_route_mode',
      help: '1 for the mode each route is in, 0 for the others.',
      labelNames: ['route', 'mode'] as const,
      registers: [registry],
    }),
    percentGauge: new Gauge({ name: 'strangler_route_canary_percent', help: 'Share of keys answered by new, per route.', labelNames: ['route'] as const, registers: [registry] }),
    versionGauge: new Gauge({ name: 'strangler_route_state_version', help: 'The route state version in service.', registers: [registry] }),
    shadowRequests: new Counter({
      name: 'strangler_shadow_requests_total',
      help: 'Shadowed requests by route and result: match, mismatch (a real difference), new_error, new_timeout, legacy_error and legacy_timeout (reverse shadow), dropped, body_too_large, compare_error.',
      labelNames: ['route', 'result'] as const,
      registers: [registry],
    }),
    processErrors: new Counter({
      name: 'strangler_process_errors_total',
      help: 'Errors caught by the last-resort handlers (unhandled rejections, uncaught exceptions): each one is a gateway bug, logged with its stack; the gateway kept serving.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}
