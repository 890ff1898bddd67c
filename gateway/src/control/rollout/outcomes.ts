import type { Knex } from 'knex';
import { z } from 'zod';
import { describeIssues, fieldIssues, storedInteger, storedNumber } from '../../../../platform';
import type { CanaryOutcome } from '../../pipeline/outcome';
import { emptyHistogram, LATENCY_BUCKETS_MS, observe, type Histogram } from '../../shadow/latency';
import { ControlError } from '../errors';
import { isAlreadyExists } from '../store-db';
import type { SideTotals } from './types';

export const OUTCOMES = 'strangler_canary_outcomes';

const BUCKETS: readonly string[] = [...LATENCY_BUCKETS_MS.map((_, i) => `b${i}`), `b${LATENCY_BUCKETS_MS.length}`];
const SIDES = ['new', 'legacy'] as const;
type Side = (typeof SIDES)[number];

/** Both sides' answers to a route's canary requests since a time. */
export interface CanaryTotals {
  readonly fresh: SideTotals;
  readonly legacy: SideTotals;
}

export const emptySide = (): SideTotals => ({ requests: 0, failures: 0, fallbacks: 0, latency: emptyHistogram() });

/**
 * A failed answer, for the rollout's comparison of the two sides: a 5xx (the gateway's own 502,
 * 503 and 504 on a dead or silent upstream included), a request the client gave up on before it
 * was answered (499: a side that hangs shows up here first), or one new failed and legacy rescued.
 */
export const isFailure = (o: Pick<CanaryOutcome, 'status' | 'fellBack'>): boolean => o.status >= 500 || o.status === 499 || o.fellBack;

const OutcomeRowSchema = z.object({ side: z.enum(SIDES), requests: storedInteger, failures: storedInteger, fallbacks: storedInteger, sum_ms: storedNumber }).catchall(z.unknown());

/**
 * The outcomes of canary requests, per route, side and minute, in the state store's database.
 * Every replica adds its counts with upserts (`col = col + n`), so the fleet's evidence adds up in
 * one place whichever replica runs the analysis.
 */
export class CanaryOutcomeStore {
  constructor(
    private readonly db: Knex,
    private readonly retentionMs = 7 * 24 * 3_600_000,
  ) {}

  async migrate(): Promise<void> {
    if (await this.db.schema.hasTable(OUTCOMES)) return;
    try {
      await this.db.schema.createTable(OUTCOMES, (t) => {
        t.string('route_id', 128).notNullable();
        t.string('side', 8).notNullable();
        t.bigInteger('minute').notNullable().index();
        t.bigInteger('requests').notNullable().defaultTo(0);
        t.bigInteger('failures').notNullable().defaultTo(0);
        t.bigInteger('fallbacks').notNullable().defaultTo(0);
        t.double('sum_ms').notNullable().defaultTo(0);
        for (const c of BUCKETS) t.bigInteger(c).notNullable().defaultTo(0);
        t.primary(['route_id', 'side', 'minute']);
      });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  /** Adds counts keyed by route, side and minute, in one transaction, in key order (fewer MySQL deadlocks between replicas). */
  async add(rows: readonly { routeId: string; side: Side; minute: number; totals: SideTotals }[]): Promise<void> {
    if (rows.length === 0) return;
    const sorted = [...rows].sort((a, b) => (a.routeId < b.routeId ? -1 : a.routeId > b.routeId ? 1 : a.side < b.side ? -1 : a.side > b.side ? 1 : a.minute - b.minute));
    await this.db.transaction(async (trx) => {
      for (const r of sorted) {
        const counts: Record<string, number> = { requests: r.totals.requests, failures: r.totals.failures, fallbacks: r.totals.fallbacks, sum_ms: r.totals.latency.sumMs };
        BUCKETS.forEach((c, i) => (counts[c] = r.totals.latency.counts[i] ?? 0));
        await trx(OUTCOMES)
          .insert({ route_id: r.routeId, side: r.side, minute: r.minute, ...counts })
          .onConflict(['route_id', 'side', 'minute'])
          .merge(Object.fromEntries(Object.entries(counts).map(([c, n]) => [c, trx.raw('?? + ?', [`${OUTCOMES}.${c}`, n])])));
      }
    });
  }

  /** Both sides' totals for a route from the minute of `since` on. */
  async totals(routeId: string, since: Date): Promise<CanaryTotals> {
    const sums = Object.fromEntries(['requests', 'failures', 'fallbacks', 'sum_ms', ...BUCKETS].map((c) => [c, c]));
    const rows: unknown[] = await this.db(OUTCOMES).select('side').sum(sums).where('route_id', routeId).andWhere('minute', '>=', minuteOf(since)).groupBy('side');
    const out = { fresh: emptySide(), legacy: emptySide() };
    for (const row of rows) {
      const parsed = OutcomeRowSchema.safeParse(row);
      if (!parsed.success) throw new ControlError('unreadable-state', `canary outcomes of ${routeId} in ${OUTCOMES} cannot be read: ${describeIssues(fieldIssues(parsed.error))}`);
      const r = parsed.data;
      const latency: Histogram = { counts: BUCKETS.map((c) => storedInteger.catch(0).parse(r[c])), count: r.requests, sumMs: r.sum_ms };
      out[r.side === 'new' ? 'fresh' : 'legacy'] = { requests: r.requests, failures: r.failures, fallbacks: r.fallbacks, latency };
    }
    return out;
  }

  async prune(now: Date): Promise<void> {
    await this.db(OUTCOMES).where('minute', '<', minuteOf(new Date(now.getTime() - this.retentionMs))).delete();
  }
}

export const minuteOf = (d: Date): number => Math.floor(d.getTime() / 60_000);

/**
 * Counts canary outcomes in memory (a few additions per request) and adds them to the store every
 * couple of seconds; a failed write keeps its counts for the next one. Never throws into the
 * request that produced an outcome.
 */
export class CanaryOutcomeRecorder {
  private pending = new Map<string, { routeId: string; side: Side; minute: number; totals: SideTotals }>();
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;

  constructor(
    private readonly store: CanaryOutcomeStore,
    private readonly onError: (e: unknown) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  record(o: CanaryOutcome): void {
    const minute = minuteOf(this.clock());
    const key = `${o.routeId}\u0000${o.side}\u0000${minute}`;
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { routeId: o.routeId, side: o.side, minute, totals: emptySide() }));
    const t = entry.totals;
    t.requests++;
    if (isFailure(o)) t.failures++;
    if (o.fellBack) t.fallbacks++;
    observe(t.latency, o.ms);
  }

  start(everyMs = 2_000): void {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.add([...batch.values()]);
    } catch (e) {
      for (const [key, entry] of batch) {
        const newer = this.pending.get(key);
        if (newer) addSide(newer.totals, entry.totals);
        else this.pending.set(key, entry);
      }
      this.onError(e);
      return;
    }
    const now = this.clock();
    if (now.getTime() - this.lastPrune > 3_600_000) {
      this.lastPrune = now.getTime();
      await this.store.prune(now).catch(this.onError);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}

export function addSide(into: SideTotals, from: SideTotals): void {
  into.requests += from.requests;
  into.failures += from.failures;
  into.fallbacks += from.fallbacks;
  from.latency.counts.forEach((c, i) => (into.latency.counts[i] = (into.latency.counts[i] ?? 0) + c));
  into.latency.count += from.latency.count;
  into.latency.sumMs += from.latency.sumMs;
}

/** What was added between a snapshot and now: counts never shrink, so a negative difference (pruned rows) reads as 0. */
export function sideSince(now: SideTotals, before: SideTotals): SideTotals {
  const d = (a: number, b: number) => Math.max(0, a - b);
  return {
    requests: d(now.requests, before.requests),
    failures: d(now.failures, before.failures),
    fallbacks: d(now.fallbacks, before.fallbacks),
    latency: { counts: now.latency.counts.map((c, i) => d(c, before.latency.counts[i] ?? 0)), count: d(now.latency.count, before.latency.count), sumMs: d(now.latency.sumMs, before.latency.sumMs) },
  };
}
