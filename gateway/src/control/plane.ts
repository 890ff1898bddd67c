import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';
import type { Registry } from 'prom-client';
import { createAdminServer } from './admin-api';
import type { DashboardDeps } from './dashboard/deps';
import { ownOrigins } from './dashboard/origins';
import { dashboardDeps } from './dashboard/wire';
import { ControlService } from './control';
import { StateFollower } from './follower';
import type { CircuitView } from '../resilience/breaker';
import type { InstanceView } from '../forwarding/instances/instance';
import { ShadowRecorder, type ShadowMetrics } from '../shadow/recorder';
import { noiseFromTable, ShadowStore } from '../shadow/results-store';
import { KnexStateStore, type StateStore } from './state-store';
import { openStateDb } from './store-db';
import { TrafficRecorder } from './traffic';
import type { Control } from './types';
import type { RolloutControl } from './rollout/types';
import { watchRouteTable } from './watch-routes';
import { RolloutDriver, type RolloutMetrics } from './rollout/driver';
import { RolloutEvidence } from './rollout/evidence';
import { CanaryOutcomeRecorder, CanaryOutcomeStore } from './rollout/outcomes';
import { RolloutStore } from './rollout/rollout-store';

export interface PlaneOptions {
  readonly stateUrl: string;
  readonly routesFile: string;
  /** Compiles routes.json (the same options the gateway started with). */
  readonly load: (file: string) => RouteTable;
  readonly baseline: RouteTable;
  readonly swap: (table: RouteTable) => void;
  readonly logger: Logger;
  readonly replica: string;
  /** Where the admin API listens; null: no admin listener. */
  readonly admin: { readonly host: string; readonly port: number; readonly token: string | undefined } | null;
  readonly pollMs?: number;
  readonly watch?: boolean;
  /** The gateway's live circuit breakers, shown by explain over the admin API. */
  readonly circuits?: () => readonly CircuitView[];
  readonly instances?: () => readonly InstanceView[];
  /** Prometheus counters for shadow matches and mismatches. */
  readonly metrics?: ShadowMetrics;
  /** Prometheus gauges of each route's rollout. */
  readonly rolloutMetrics?: RolloutMetrics;
  /** The rollout driver's clock, lease and tick (tests step them; defaults: wall clock, 10 s lease, 1 s tick). */
  readonly rollouts?: { readonly clock?: () => Date; readonly leaseMs?: number; readonly tickMs?: number; readonly drive?: boolean };
  /** This replica's /metrics registry: the dashboard's live per-side numbers and per-instance tries. */
  readonly registry?: Pick<Registry, 'getSingleMetric'>;
  /** The data tools' folder (STRANGLER_DATA_DIR), for the dashboard's data freshness. */
  readonly dataDir?: string;
  /** Origins in front of the admin listener (a port forward, a proxy) that the dashboard may also be opened from. */
  readonly adminOrigins?: readonly string[];
}

export interface ControlPlane {
  readonly store: StateStore;
  readonly traffic: TrafficRecorder;
  /** Receives every shadow comparison outcome (the gateway's shadow sink). */
  readonly shadow: ShadowRecorder;
  readonly follower: StateFollower;
  /** Receives how each canary request ended (the gateway's canary sink): the rollouts' evidence. */
  readonly canary: CanaryOutcomeRecorder;
  /** Drives rollouts while this replica holds the lease. */
  readonly driver: RolloutDriver;
  /** The control operations this plane serves (the admin API's). */
  readonly control: ControlService;
  /** The admin API's URL, when it listens. */
  readonly adminUrl: string | null;
  close(): Promise<void>;
}

/**
 * Everything in a gateway process that is not the request path: the state store, the follower
 * that applies its versions, the routes.json watcher, the traffic recorder and the admin API
 * (its own listener, never the public one). The baseline the control service checks flips
 * against is the one the follower serves, so both always agree.
 */
export async function startControlPlane(o: PlaneOptions): Promise<ControlPlane> {
  // One connection pool for the route state and the shadow results: two pools on one SQLite file in one process would block each other.
  const db = openStateDb(o.stateUrl);
  const store = new KnexStateStore(db);
  const shadowStore = new ShadowStore(db, { noise: noiseFromTable(() => baseline) });
  const shadow = shadowRecorder(shadowStore, o);
  const rolloutStore = new RolloutStore(db);
  const outcomes = new CanaryOutcomeStore(db);
  const evidence = new RolloutEvidence({ shadow: shadowStore, outcomes, verifications: rolloutStore });
  const follower = new StateFollower({ store, swap: o.swap, logger: o.logger, ...(o.pollMs ? { pollMs: o.pollMs } : {}) }, o.baseline);
  let baseline = o.baseline;
  // Watching starts before anything is awaited, so that an edit made during start-up is not missed.
  const watcher =
    o.watch === false
      ? null
      : watchRouteTable({
          file: o.routesFile,
          load: o.load,
          logger: o.logger,
          onTable: (table) => {
            baseline = table;
            follower.setBaseline(table);
          },
        });
  try {
    await store.migrate();
    // Before anything is applied: a store written for another route table is refused, not joined.
    await store.claimTable(o.baseline.routes.map((r) => r.id), new Date());
    await shadowStore.migrate();
    await rolloutStore.migrate();
    await outcomes.migrate();
    await follower.start();
  } catch (e) {
    watcher?.close();
    await store.close();
    throw e;
  }
  const traffic = new TrafficRecorder(store, o.replica, o.logger);
  traffic.start();
  shadow.start();
  const canary = new CanaryOutcomeRecorder(outcomes, (e) => o.logger.warn('canary outcomes not written; kept for the next flush', { error: e instanceof Error ? e.message : String(e) }), o.rollouts?.clock);
  canary.start();
  const clock = o.rollouts?.clock ?? (() => new Date());
  const live = { ...(o.circuits ? { circuits: o.circuits } : {}), ...(o.instances ? { instances: o.instances } : {}) };
  const control = new ControlService({ store, baseline: () => baseline, shadow: shadowStore, rollouts: { store: rolloutStore, evidence }, clock, ...live });
  const dashboard = dashboardDeps({ control, store, db, shadow: shadowStore, baseline: () => baseline, ...live, ...(o.registry ? { registry: o.registry } : {}), ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}) });
  const driver = new RolloutDriver({
    rollouts: rolloutStore,
    state: store,
    evidence,
    // The control service's own: one set of rollout operations per plane.
    service: control.rollouts!,
    baseline: () => baseline,
    move: (id, to, reason, via, ifMatch) => control.moveByRollout(id, to, reason, via, ifMatch),
    clock,
    logger: o.logger,
    replica: o.replica,
    ...(o.rolloutMetrics ? { metrics: o.rolloutMetrics } : {}),
    ...(o.rollouts?.leaseMs ? { leaseMs: o.rollouts.leaseMs } : {}),
  });
  if (o.rollouts?.drive !== false) driver.start(o.rollouts?.tickMs);
  const admin = o.admin ? await listenAdmin(control, dashboard, o.admin, o.logger, o.adminOrigins ?? []) : null;
  return {
    store,
    traffic,
    shadow,
    follower,
    canary,
    driver,
    control,
    adminUrl: admin?.url ?? null,
    async close() {
      watcher?.close();
      follower.stop();
      await driver.stop();
      if (admin) await closeAdmin(admin.server);
      await traffic.stop();
      await shadow.stop();
      await canary.stop();
      await store.close();
    },
  };
}

/** Counts shadow outcomes and writes them to the store in batches; a failed write is logged and its counts kept. */
function shadowRecorder(store: ShadowStore, o: PlaneOptions): ShadowRecorder {
  return new ShadowRecorder({
    store,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    onError: (what, e) => o.logger.warn(`shadow results ${what} failed; counts kept for the next try`, { error: e instanceof Error ? e.message : String(e) }),
  });
}

/** The admin API on its own listener; resolves once it listens, with its URL (the port the system gave, for port 0). */
async function listenAdmin(control: Control & RolloutControl, dashboard: DashboardDeps, at: NonNullable<PlaneOptions['admin']>, logger: Logger, extraOrigins: readonly string[]): Promise<{ server: http.Server; url: string }> {
  let origins: readonly string[] = [];
  const server = createAdminServer({ control, rollouts: control, token: at.token, logger, dashboard, origins: () => origins });
  const { host, port } = at;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  origins = ownOrigins(host, bound, extraOrigins);
  return { server, url: `http://${host}:${bound}` };
}

/** Stops the admin listener, cutting open connections (an operator's keep-alive must not hold the shutdown). */
function closeAdmin(server: http.Server): Promise<void> {
  return new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
}
