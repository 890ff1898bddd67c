import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import { movement } from '../../../../acl';
import type { DashboardDeps } from './deps';
import { readInstanceTries, readLiveStats } from './live-stats';
import { TrafficReader } from './traffic-reader';

export interface DashboardWiring extends Omit<DashboardDeps, 'traffic' | 'live' | 'instanceTries' | 'freshness' | 'clock'> {
  /** The state store's database, where every replica's traffic counts are. */
  readonly db: Knex;
  /** This replica's /metrics registry. */
  readonly registry?: Pick<Registry, 'getSingleMetric'>;
  /** Where the data tools keep their state files (STRANGLER_DATA_DIR). */
  readonly dataDir?: string;
  readonly clock?: () => Date;
}

/** The dashboard's dependencies, from what the control plane already holds. */
export function dashboardDeps(w: DashboardWiring): DashboardDeps {
  const { db, registry, dataDir, clock, ...rest } = w;
  return {
    ...rest,
    traffic: new TrafficReader(db),
    clock: clock ?? (() => new Date()),
    ...(registry ? { live: () => readLiveStats(registry), instanceTries: () => readInstanceTries(registry) } : {}),
    ...(dataDir !== undefined ? { freshness: () => Object.values(movement.CONTEXTS).map((c) => movement.readFreshness(dataDir, c.name)) } : {}),
  };
}
