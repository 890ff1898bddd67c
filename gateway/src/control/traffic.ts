import type { Logger } from '../observability/logger';
import type { StateStore, TrafficRow } from './state-store';

/**
 * Counts the requests each upstream receives per route and minute, in memory on the hot path,
 * and adds them to the state store every few seconds, so that `routes explain` can show a whole
 * fleet's traffic since any time (legacy at zero is the proof a route can be retired).
 */
export class TrafficRecorder {
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: StateStore,
    private readonly replica: string,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  count(routeId: string, upstream: string): void {
    const key = `${routeId}\u0000${upstream}\u0000${Math.floor(this.clock() / 60_000)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  start(everyMs = 5_000): void {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  /** Writes what was counted since the last flush; on failure the counts are kept for the next one. */
  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const pending = this.counts;
    this.counts = new Map();
    const rows: TrafficRow[] = [...pending].map(([key, requests]) => {
      const [routeId = '', upstream = '', minute = '0'] = key.split('\u0000');
      return { routeId, upstream, minute: Number(minute), requests };
    });
    try {
      await this.store.addTraffic(this.replica, rows);
    } catch (e) {
      for (const [key, n] of pending) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
      this.logger.warn('traffic counts not written; kept for the next flush', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
