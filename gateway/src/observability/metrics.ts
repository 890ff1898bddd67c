import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics on a registry of its own (no global state). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Records one finished request; label children are cached so the hot path does no hashing of label objects. */
  observe(route: string, upstream: string, mode: string, status: number, seconds: number): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'strangler_' });
  const requests = new Counter({
    name: 'strangler_requests_total',
    help: 'Requests answered by the gateway, by route, upstream, mode and status.',
    labelNames: ['route', 'upstream', 'mode', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'strangler_request_duration_seconds',
    help: 'Time from request received to response finished, by route, upstream and mode.',
    labelNames: ['route', 'upstream', 'mode'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const counters = new Map<string, ReturnType<typeof requests.labels>>();
  const histograms = new Map<string, ReturnType<typeof duration.labels>>();
  return {
    registry,
    observe(route, upstream, mode, status, seconds) {
      const hKey = `${route}\u0000${upstream}\u0000${mode}`;
      const cKey = `${hKey}\u0000${status}`;
      let c = counters.get(cKey);
      if (!c) counters.set(cKey, (c = requests.labels(route, upstream, mode, String(status))));
      c.inc();
      let h = histograms.get(hKey);
      if (!h) histograms.set(hKey, (h = duration.labels(route, upstream, mode)));
      h.observe(seconds);
    },
  };
}
