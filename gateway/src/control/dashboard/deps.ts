import type { RouteTable } from '../../config/table';
import type { InstanceView } from '../../forwarding/instances/instance';
import type { CircuitView } from '../../resilience/breaker';
import type { ShadowStore } from '../../shadow/results-store';
import type { StateStore } from '../state-store';
import type { Control } from '../types';
import type { LiveStats } from './live-stats';
import type { TrafficReader } from './traffic-reader';

/** One data context's freshness as the data tools' state files tell it (acl movement's readFreshness). */
export interface ContextFreshness {
  readonly context: string;
  readonly backfill: { readonly state: string; readonly updatedAt: string; readonly rows: number; readonly rejected: number } | null;
  readonly sync: { readonly lastRunAt: string; readonly highWaterMark: string | null } | null;
  readonly verify: {
    readonly at: string;
    readonly clean: boolean;
    readonly legacyRows: number;
    readonly serviceRows: number;
    readonly matching: number;
    readonly missing: number;
    readonly extra: number;
    readonly different: number;
    readonly refused: number;
  } | null;
  readonly problems: readonly string[];
}

/** What the dashboard's endpoints read: the same control code and stores as the CLI and the admin API. */
export interface DashboardDeps {
  readonly control: Control;
  readonly store: Pick<StateStore, 'history' | 'readable' | 'overlayAt' | 'traffic'>;
  readonly traffic: TrafficReader;
  readonly shadow?: Pick<ShadowStore, 'report'>;
  /** routes.json as compiled now. */
  readonly baseline: () => RouteTable;
  readonly circuits?: () => readonly CircuitView[];
  readonly instances?: () => readonly InstanceView[];
  /** This replica's per-route, per-upstream answers (its /metrics registry). */
  readonly live?: () => Promise<LiveStats>;
  /** Tries this replica sent to each instance, by `upstream\u0000instance`. */
  readonly instanceTries?: () => Promise<ReadonlyMap<string, number>>;
  /** Each data context's backfill, sync and verify state. */
  readonly freshness?: () => readonly ContextFreshness[];
  readonly clock: () => Date;
}
