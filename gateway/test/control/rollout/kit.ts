import type { Knex } from 'knex';
import type { RouteTable } from '../../../src/config/table';
import { ControlService } from '../../../src/control/control';
import { RolloutDriver } from '../../../src/control/rollout/driver';
import { openRolloutParts, type RolloutEvidence } from '../../../src/control/rollout/evidence';
import { CanaryOutcomeRecorder, CanaryOutcomeStore } from '../../../src/control/rollout/outcomes';
import type { RolloutStore } from '../../../src/control/rollout/rollout-store';
import { KnexStateStore } from '../../../src/control/state-store';
import { openStateDb } from '../../../src/control/store-db';
import type { Logger } from '../../../src/observability/logger';
import { ShadowRecorder } from '../../../src/shadow/recorder';
import { ShadowStore } from '../../../src/shadow/results-store';
import { tableFor } from '../../kit/gateway';
import { compared, diff, failure } from '../../shadow/outcomes';

/**
 * Rollouts over one real state store (SQLite in memory, or a MySQL URL), with the clock in the
 * test's hand: traffic is recorded through the gateway's own recorders at the clock's time, and
 * the driver runs when the test ticks it, never on a timer.
 */

export const ROUTE = 'products';
export const START = Date.parse('2030-05-06T07:00:00.000Z');

export function rolloutTable(rollout?: Record<string, unknown>): RouteTable {
  return tableFor({ legacy: 'http://127.0.0.1:1', fresh: 'http://127.0.0.1:2' }, [
    {
      id: ROUTE,
      path: '/api/products/*',
      mode: 'legacy',
      legacy: { upstream: 'legacy' },
      new: { upstream: 'fresh' },
      shadow: { gate: { minCompared: 10, minMatchRate: 0.95, maxNewErrorRate: 0.05 } },
      ...(rollout ? { rollout } : {}),
    },
    { id: 'legacy-only', path: '/old/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
  ]);
}

export interface Lines {
  readonly logger: Logger;
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[];
}

export function recordingLogger(): Lines {
  const lines: Lines['lines'] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
  return { logger, lines };
}

export class RolloutBench {
  now = START;
  readonly clock = (): Date => new Date(this.now);
  readonly log = recordingLogger();
  readonly state: KnexStateStore;
  readonly shadowStore: ShadowStore;
  readonly outcomes: CanaryOutcomeStore;
  rollouts!: RolloutStore;
  evidence!: RolloutEvidence;
  control!: ControlService;
  private readonly shadowRecorder: ShadowRecorder;
  private readonly canaryRecorder: CanaryOutcomeRecorder;
  private readonly drivers = new Map<string, RolloutDriver>();

  constructor(
    readonly db: Knex,
    public table: RouteTable,
  ) {
    this.state = new KnexStateStore(db);
    this.shadowStore = new ShadowStore(db, { clock: this.clock });
    this.outcomes = new CanaryOutcomeStore(db);
    this.shadowRecorder = new ShadowRecorder({ store: this.shadowStore, clock: this.clock });
    this.canaryRecorder = new CanaryOutcomeRecorder(this.outcomes, (e) => {
      throw e;
    }, this.clock);
  }

  static async open(table: RouteTable = rolloutTable(), url = 'sqlite::memory:'): Promise<RolloutBench> {
    const bench = new RolloutBench(openStateDb(url), table);
    await bench.state.migrate();
    await bench.shadowStore.migrate();
    const parts = await openRolloutParts(bench.db, bench.shadowStore);
    bench.rollouts = parts.store;
    bench.evidence = parts.evidence;
    bench.control = new ControlService({ store: bench.state, baseline: () => bench.table, shadow: bench.shadowStore, rollouts: parts, clock: bench.clock });
    return bench;
  }

  /** A replica's driver on this store (one per name), ticked by the test. */
  driver(replica = 'replica-a', leaseMs = 10_000): RolloutDriver {
    let d = this.drivers.get(replica);
    if (!d) {
      const parts = { rollouts: this.rollouts, state: this.state, evidence: this.evidenceOf(), baseline: () => this.table, clock: this.clock, logger: this.log.logger, replica, leaseMs };
      const control = this.control;
      d = new RolloutDriver({ ...parts, service: control.rollouts!, move: (id, to, reason, via, ifMatch) => control.moveByRollout(id, to, reason, via, ifMatch) });
      this.drivers.set(replica, d);
    }
    return d;
  }

  private evidenceOf(): RolloutEvidence {
    return this.evidence;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** Moves the clock on by `ms` and lets the driver judge. */
  async after(ms: number, replica = 'replica-a'): Promise<void> {
    this.advance(ms);
    await this.driver(replica).tick();
  }

  /** Shadowed requests: `matching` without a difference, `differing` with a real one on `price`, `failed` that new failed. */
  async shadowTraffic(matching: number, differing = 0, failed = 0): Promise<void> {
    for (let i = 0; i < matching; i++) this.shadowRecorder.record(compared(ROUTE, []));
    for (let i = 0; i < differing; i++) this.shadowRecorder.record(compared(ROUTE, [diff('price')]));
    for (let i = 0; i < failed; i++) this.shadowRecorder.record(failure(ROUTE, 'new-error'));
    await this.shadowRecorder.flush();
  }

  /** Canary answers from one side. */
  async canaryTraffic(side: 'new' | 'legacy', count: number, answer: { status?: number; ms?: number; fellBack?: boolean } = {}): Promise<void> {
    for (let i = 0; i < count; i++) this.canaryRecorder.record({ routeId: ROUTE, side, status: answer.status ?? 200, ms: answer.ms ?? 8, fellBack: answer.fellBack ?? false });
    await this.canaryRecorder.flush();
  }

  async routeState(): Promise<string> {
    const list = await this.control.list();
    const r = list.routes.find((x) => x.id === ROUTE);
    return r!.state.mode === 'canary' ? `canary ${r!.state.percent}%` : r!.state.mode;
  }

  async status() {
    return (await this.control.rolloutStatus(ROUTE)).rollout;
  }

  async close(): Promise<void> {
    for (const d of this.drivers.values()) await d.stop();
    await this.db.destroy();
  }
}
