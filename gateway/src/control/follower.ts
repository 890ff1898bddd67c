import { describeIssues } from '../../../platform';
import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';
import { applyOverlay } from './overlay';
import type { ReadableState, StateStore } from './state-store';
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
 * the table they started with. A store that cannot be reached leaves the table in service as it is.
 * A version this gateway cannot read (another gateway version wrote a mode or a shape it does not
 * know) is reported once, naming its bad fields, and the newest version it can read keeps serving;
 * a later readable version applies as usual. The two are told apart: an unreadable row is not an
 * unreachable store.
 */
export class StateFollower {
  private baseline: RouteTable;
  private state: StateVersion | null = null;
  /** The newest version looked at, readable or not: the store is read again only when its latest version differs. */
  private seen: number | null = null;
  /** The newest unreadable version already logged. */
  private reported = 0;
  /** A readable version that failed to apply, logged once. */
  private unapplied: number | null = null;
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
    let next: ReadableState | null = null;
    try {
      const latest = await this.deps.store.latestVersion();
      if (latest !== this.seen) next = await this.deps.store.readable();
    } catch (e) {
      // Logged once per outage, not once per poll.
      if (!this.failing) this.deps.logger.error('route state store unreachable; the table in service keeps serving', { error: e instanceof Error ? e.message : String(e) });
      this.failing = true;
      return;
    }
    if (this.failing) this.deps.logger.info('route state store reachable again', { version: this.version() });
    this.failing = false;
    if (next) this.follow(next);
  }

  private follow({ state, unreadable }: ReadableState): void {
    if (this.state?.version !== state.version) {
      try {
        this.apply(state);
      } catch (e) {
        // Not marked as seen: the next poll tries again rather than leaving this replica behind for good.
        if (this.unapplied !== state.version) this.deps.logger.error('route state could not be applied; the table in service keeps serving', { version: state.version, error: e instanceof Error ? e.message : String(e) });
        this.unapplied = state.version;
        return;
      }
      this.state = state;
    }
    // Oldest first, so the log reads in the order the versions were written.
    for (const u of [...unreadable].reverse()) {
      if (u.version <= this.reported) continue;
      this.deps.logger.error(`route state version ${u.version} cannot be read by this gateway: ${describeIssues(u.issues)}; version ${this.version()} keeps serving`, {
        version: u.version,
        issues: u.issues,
        serving: this.version(),
      });
      this.reported = u.version;
    }
    this.seen = unreadable[0]?.version ?? state.version;
  }

  /** Lays a version over the baseline and swaps the result in; a throw leaves the table in service as it was. */
  private apply(state: StateVersion = this.state ?? { version: 0, overlay: {} }): void {
    const { table, skipped } = applyOverlay(this.baseline, state);
    // The table's file is named: with several gateways or a reloaded file, it says which routes.json lacks the route.
    for (const s of skipped) this.deps.logger.warn('route state entry not applied', { route: s.routeId, reason: s.reason, version: state.version, table: this.baseline.source });
    this.deps.swap(table);
    this.deps.logger.info('route state applied', { version: state.version, flipped: Object.keys(state.overlay).length });
  }
}
