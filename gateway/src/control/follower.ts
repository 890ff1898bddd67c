import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';
import { applyOverlay } from './overlay';
import type { StateStore } from './state-store';
import type { StateVersion } from './types';

export interface FollowerDeps {
  readonly store: StateStore;
  /** Puts a table in service (the gateway's atomic swap). */
  readonly swap: (table: RouteTable) => void;
  readonly logger: Logger;
  /** How often the store's version is read; a flip reaches this replica within about this long. */
  readonly pollMs?: number;
}

/**
 * Keeps one gateway replica on the newest route state: reads the store's version every poll
 * (one indexed MAX query), and on a new version or a new baseline (routes.json reloaded) lays the
 * overlay over the baseline and swaps the compiled table in whole. Requests in flight finish on
 * the table they started with. A store that cannot be read leaves the table in service as it is.
 */
export class StateFollower {
  private baseline: RouteTable;
  private state: StateVersion | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly deps: FollowerDeps,
    baseline: RouteTable,
  ) {
    this.baseline = baseline;
  }

  /** Applies the current state once (so the first request already sees it), then follows. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.deps.pollMs ?? 1_000);
    this.timer.unref();
  }

  /** A reloaded routes.json: the overlay is laid over it at once. */
  setBaseline(table: RouteTable): void {
    this.baseline = table;
    this.apply();
  }

  /** The version in service (0 before any flip). */
  version(): number {
    return this.state?.version ?? 0;
  }

  /** Reads the store now; resolves when the newest version (if any) is in service. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async read(): Promise<void> {
    try {
      const latest = await this.deps.store.latestVersion();
      if (this.state === null || latest !== this.state.version) {
        this.state = await this.deps.store.current();
        this.apply();
      }
      if (this.failing) this.deps.logger.info('route state store reachable again', { version: this.version() });
      this.failing = false;
    } catch (e) {
      // Logged once per outage, not once per poll.
      if (!this.failing) this.deps.logger.error('route state store unreachable; the table in service keeps serving', { error: e instanceof Error ? e.message : String(e) });
      this.failing = true;
    }
  }

  private apply(): void {
    const state = this.state ?? { version: 0, overlay: {} };
    const { table, skipped } = applyOverlay(this.baseline, state);
    for (const s of skipped) this.deps.logger.warn('route state entry not applied', { route: s.routeId, reason: s.reason, version: state.version });
    this.deps.swap(table);
    this.deps.logger.info('route state applied', { version: state.version, flipped: Object.keys(state.overlay).length });
  }
}
