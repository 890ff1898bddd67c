import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ROUTE_MODES } from '../config/schema';
import type { RouteTable } from '../config/table';
import { TallyCounter, TallyGauge, TallyHistogram } from './tallies';

/** What became of one shadowed request, as counted on /metrics. */
export type ShadowResult = 'match' | 'mismatch' | 'new_error' | 'new_timeout' | 'legacy_error' | 'legacy_timeout' | 'dropped' | 'body_too_large' | 'compare_error';

/** The gateway's Prometheus metrics on a registry of its own (no global state). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Records one finished request: a few numbers added, the label objects are built when /metrics is scraped. */
  observe(route: string, upstream: string, mode: string, status: number, seconds: number): void;
  /** Records one request sent to an upstream for a route (a fallback sends two). */
  sent(route: string, upstream: string): void;
  /** Publishes the table in service: each route's mode, canary share and the state version. */
  describe(table: RouteTable): void;
  /** Counts one shadowed request by what came of it (match and mismatch judged on the learned noise). */
  shadow(route: string, result: ShadowResult): void;
  /** Counts one list item a translation left out (its mapping's `drop` policy), once per field it was refused for. */
  aclDropped(mapping: string, field: string): void;
  /** Counts an error that reached the process's last-resort handler instead of a request's own. */
  processError(kind: 'unhandled-rejection' | 'uncaught-exception'): void;
  /** Counts one try sent to one instance of an upstream. */
  instanceRequest(upstream: string, instance: string): void;
  /** Where /metrics reads each instance's state, in-flight requests and ejections when scraped. */
  watchInstances(read: () => readonly InstanceSample[]): void;
  /** Publishes each route's newest rollout: its step (0 shadow, 1…N the plan's) and its state. */
  rollouts(views: readonly { readonly routeId: string; readonly step: number; readonly state: string }[]): void;
}

/** The states strangler_rollout_state reports, one series each (1 for the rollout's, 0 for the others). */
const ROLLOUT_STATES = ['running', 'waiting-for-data', 'paused', 'done', 'rolled-back', 'aborted'] as const;

/** One instance as /metrics shows it. */
export interface InstanceSample {
  readonly upstream: string;
  readonly instance: string;
  readonly state: string;
  readonly inFlight: number;
  readonly ejections: number;
}

const INSTANCE_STATES = ['healthy', 'ejected', 'trial', 'unhealthy', 'draining'] as const;

export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'strangler_' });
  let instances: () => readonly InstanceSample[] = () => [];
  const m = defineInstruments(registry, () => instances());
  return {
    registry,
    observe(route, upstream, mode, status, seconds) {
      const key = `${route}\u0000${upstream}\u0000${mode}`;
      const labels = [route, upstream, mode, String(status)];
      m.requests.inc(`${key}\u0000${status}`, labels);
      m.duration.observe(key, labels, seconds);
    },
    sent(route, upstream) {
      const key = `${route}\u0000${upstream}`;
      const labels = [route, upstream];
      m.upstreamRequests.inc(key, labels);
      m.lastSent.set(key, labels, Date.now() / 1000);
    },
    shadow(route, result) {
      m.shadowRequests.inc(`${route}\u0000${result}`, [route, result]);
    },
    aclDropped(mapping, field) {
      m.aclDropped.inc(`${mapping}\u0000${field}`, [mapping, field]);
    },
    processError(kind) {
      m.processErrors.labels(kind).inc();
    },
    instanceRequest(upstream, instance) {
      m.instanceRequests.inc(`${upstream}\u0000${instance}`, [upstream, instance]);
    },
    watchInstances(read) {
      instances = read;
    },
    rollouts(views) {
      m.rolloutStep.reset();
      m.rolloutState.reset();
      for (const v of views) {
        m.rolloutStep.labels(v.routeId).set(v.step);
        for (const state of ROLLOUT_STATES) m.rolloutState.labels(v.routeId, state).set(v.state === state ? 1 : 0);
      }
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
function defineInstruments(registry: Registry, instances: () => readonly InstanceSample[]) {
  return {
    instanceRequests: new TallyCounter('strangler_instance_requests_total', 'Tries sent to each instance of each upstream (retries to another instance included).', ['upstream', 'instance'], registry),
    instanceInFlight: new Gauge({
      name: 'strangler_instance_in_flight',
      help: 'Requests in progress at each instance.',
      labelNames: ['upstream', 'instance'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const i of instances()) this.labels(i.upstream, i.instance).set(i.inFlight);
      },
    }),
    instanceState: new Gauge({
      name: 'strangler_instance_state',
      help: '1 for the state each instance is in (healthy, ejected, trial, unhealthy, draining), 0 for the others.',
      labelNames: ['upstream', 'instance', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const i of instances()) for (const s of INSTANCE_STATES) this.labels(i.upstream, i.instance, s).set(i.state === s ? 1 : 0);
      },
    }),
    instanceEjections: new Gauge({
      name: 'strangler_instance_ejections',
      help: 'Times each instance was ejected for failing (outlier detection) since the gateway started.',
      labelNames: ['upstream', 'instance'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const i of instances()) this.labels(i.upstream, i.instance).set(i.ejections);
      },
    }),
    aclDropped: new TallyCounter('strangler_acl_dropped_items_total', 'List items a translation left out of a page (the mapping\'s drop policy), by mapping and refused field.', ['mapping', 'field'], registry),
    // Recorded per request: tallies, not prom-client's instruments (see tallies.ts).
    requests: new TallyCounter('strangler_requests_total', 'Requests answered by the gateway, by route, upstream, mode and status.', ['route', 'upstream', 'mode', 'status'], registry),
    duration: new TallyHistogram(
      'strangler_request_duration_seconds',
      'Time from request received to response finished, by route, upstream and mode.',
      ['route', 'upstream', 'mode'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registry,
    ),
    upstreamRequests: new TallyCounter(
      'strangler_upstream_requests_total',
      'Requests sent to each upstream for each route since the gateway started: legacy at zero for a route is the proof it can be retired.',
      ['route', 'upstream'],
      registry,
    ),
    lastSent: new TallyGauge('strangler_upstream_last_request_timestamp_seconds', 'When each upstream last received a request for each route (Unix seconds).', ['route', 'upstream'], registry),
    modeGauge: new Gauge({
      name: 'strangler_route_mode',
      help: '1 for the mode each route is in, 0 for the others.',
      labelNames: ['route', 'mode'] as const,
      registers: [registry],
    }),
    percentGauge: new Gauge({ name: 'strangler_route_canary_percent', help: 'Share of keys answered by new, per route.', labelNames: ['route'] as const, registers: [registry] }),
    versionGauge: new Gauge({ name: 'strangler_route_state_version', help: 'The route state version in service.', registers: [registry] }),
    shadowRequests: new TallyCounter(
      'strangler_shadow_requests_total',
      'Shadowed requests by route and result: match, mismatch (a real difference), new_error, new_timeout, legacy_error and legacy_timeout (reverse shadow), dropped, body_too_large, compare_error.',
      ['route', 'result'],
      registry,
    ),
    rolloutStep: new Gauge({
      name: 'strangler_rollout_step',
      help: "The step each route's newest rollout is at: 0 shadow, then 1…N the plan's canary steps (N: new).",
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    rolloutState: new Gauge({
      name: 'strangler_rollout_state',
      help: "1 for the state each route's newest rollout is in (running, waiting-for-data, paused, done, rolled-back, aborted), 0 for the others.",
      labelNames: ['route', 'state'] as const,
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
