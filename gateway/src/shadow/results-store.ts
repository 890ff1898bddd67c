import type { Knex } from 'knex';
import type { RouteTable } from '../config/table';
import { DEFAULT_BATCH_LIMITS, HOUR_MS, TOTAL_KEYS, type RouteHourBatch } from './batch';
import { DEFAULT_SAMPLE_BODY_BYTES, redactedFailureSample, storableSample } from './redact';
import { readAggregates, readVerdicts } from './results-read';
import { FingerprintKeyRowSchema, readKeys, SampleIdRowSchema } from './results-rows';
import { DEFAULT_NOISE_THRESHOLDS, buildReport } from './report';
import { COLUMN, LATENCY_COLUMNS, T, createShadowTables, fieldHash, sha1 } from './results-tables';
import type { NoiseThresholds, RouteShadowReport, ShadowSample } from './types';

export interface ShadowStoreOptions {
  /** Hours older than this are deleted; default 7 days. */
  readonly retentionMs?: number;
  /** Pruning runs at most this often per store (each replica prunes on its own); default 5 minutes. */
  readonly pruneEveryMs?: number;
  readonly samplesPerField?: number;
  /** Distinct fingerprints kept per route and hour; more count as not matching. */
  readonly maxFingerprints?: number;
  readonly sampleBodyBytes?: number;
  /** Noise thresholds, one for all routes or per route (routes.json `shadow.noise`). */
  readonly noise?: NoiseThresholds | ((routeId: string) => NoiseThresholds);
  readonly clock?: () => Date;
  /** Told when pruning fails; a failed prune never fails the flush it follows. */
  readonly onPruneError?: (error: unknown) => void;
  /** The store closes the database with itself (one opened for it alone); the caller's otherwise. */
  readonly ownsDb?: boolean;
}


/** Per-route noise thresholds from the route table in service (`shadow.noise` in routes.json). */
export function noiseFromTable(table: () => RouteTable): (routeId: string) => NoiseThresholds {
  return (routeId) => table().routes.find((r) => r.id === routeId)?.shadow?.config.noise ?? DEFAULT_NOISE_THRESHOLDS;
}

/**
 * Shadow results in the state store's database, aggregated by route and hour so that every
 * replica adds to one record and old hours can be deleted. Counts only ever grow by upserts
 * (`col = col + n`), so concurrent flushes from many replicas add up without reading first.
 */
export class ShadowStore {
  private readonly db: Knex;
  private readonly owned: boolean;
  private readonly retentionMs: number;
  private readonly pruneEveryMs: number;
  private readonly samplesPerField: number;
  private readonly maxFingerprints: number;
  private readonly sampleBodyBytes: number;
  private readonly clock: () => Date;
  private lastPrune = 0;

  constructor(
    db: Knex,
    private readonly options: ShadowStoreOptions = {},
  ) {
    this.owned = options.ownsDb ?? false;
    this.db = db;
    this.retentionMs = options.retentionMs ?? 7 * 24 * HOUR_MS;
    this.pruneEveryMs = options.pruneEveryMs ?? 5 * 60_000;
    this.samplesPerField = options.samplesPerField ?? DEFAULT_BATCH_LIMITS.samplesPerField;
    this.maxFingerprints = options.maxFingerprints ?? DEFAULT_BATCH_LIMITS.maxFingerprints;
    this.sampleBodyBytes = options.sampleBodyBytes ?? DEFAULT_SAMPLE_BODY_BYTES;
    this.clock = options.clock ?? (() => new Date());
  }

  noiseFor(routeId: string): NoiseThresholds {
    const n = this.options.noise ?? DEFAULT_NOISE_THRESHOLDS;
    return typeof n === 'function' ? n(routeId) : n;
  }

  /** Creates the tables; replicas starting together may race, and the loser carries on. */
  migrate(): Promise<void> {
    return createShadowTables(this.db);
  }

  /** Adds one flush's batches in one transaction: all of it counts, or none of it. */
  async add(batches: readonly RouteHourBatch[]): Promise<void> {
    const work = [...batches].sort((a, b) => (a.routeId < b.routeId ? -1 : a.routeId > b.routeId ? 1 : a.hour - b.hour));
    if (work.length > 0) {
      // Locks are taken in one order (route, hour, key) by every replica, which keeps MySQL deadlocks rare.
      await this.db.transaction(async (trx) => {
        for (const b of work) await this.addOne(trx, b);
      });
    }
    await this.maybePrune();
  }

  private async addOne(trx: Knex.Transaction, b: RouteHourBatch): Promise<void> {
    const key = { route_id: b.routeId, hour: b.hour };
    const upsert = (table: string, conflict: string[], row: Record<string, string | number>, counts: Record<string, number>) =>
      trx(table)
        .insert({ ...row, ...counts })
        .onConflict(conflict)
        .merge(Object.fromEntries(Object.entries(counts).map(([c, n]) => [c, trx.raw('?? + ?', [`${table}.${c}`, n])])));

    // A write first: on SQLite a transaction that reads before it writes cannot wait for another writer's lock.
    const totals: Record<string, number> = {};
    for (const k of TOTAL_KEYS) totals[COLUMN[k]] = b.totals[k];
    await upsert(T.totals, ['route_id', 'hour'], key, totals);

    if (b.fingerprints.size > 0) {
      let overflow = 0;
      const kept: unknown[] = await trx(T.fingerprints).select('fp_key').where(key);
      const existing = new Set(readKeys(FingerprintKeyRowSchema, T.fingerprints, kept).map((r) => r.fp_key));
      let room = this.maxFingerprints - existing.size;
      const fps = [...b.fingerprints].map(([text, n]) => ({ text, n, fp: sha1(text) })).sort((x, y) => (x.fp < y.fp ? -1 : 1));
      for (const { text, n, fp } of fps) {
        if (!existing.has(fp)) {
          if (room <= 0) {
            overflow += n;
            continue;
          }
          room--;
        }
        await upsert(T.fingerprints, ['route_id', 'hour', 'fp_key'], { ...key, fp_key: fp, fields: text }, { requests: n });
      }
      if (overflow > 0) await upsert(T.totals, ['route_id', 'hour'], key, { [COLUMN.fingerprintOverflow]: overflow });
    }

    const fields = [...b.fields.entries()].map(([id, f]) => ({ f, fk: fieldHash(id) })).sort((x, y) => (x.fk < y.fk ? -1 : 1));
    for (const { f, fk } of fields) await upsert(T.fields, ['route_id', 'hour', 'field_key'], { ...key, field_key: fk, path: f.path, kind: f.kind }, { raw: f.raw, noise: f.noise });

    for (const side of ['fresh', 'legacy'] as const) {
      const h = b.latency[side];
      if (h.count === 0) continue;
      const counts: Record<string, number> = { requests: h.count, sum_ms: h.sumMs };
      LATENCY_COLUMNS.forEach((c, i) => (counts[c] = h.counts[i] ?? 0));
      await upsert(T.latency, ['route_id', 'hour', 'side'], { ...key, side }, counts);
    }
    await this.addSamples(trx, b);
    await this.addFailures(trx, b);
  }

  /** Counts add up; the sample kept is the newest one. */
  private async addFailures(trx: Knex.Transaction, b: RouteHourBatch): Promise<void> {
    const work = [...b.failures].map(([key, f]) => ({ f, fk: sha1(key) })).sort((x, y) => (x.fk < y.fk ? -1 : 1));
    for (const { f, fk } of work) {
      const atMs = Date.parse(f.sample.at);
      const sample = JSON.stringify(redactedFailureSample(f.sample));
      await trx(T.failures)
        .insert({ route_id: b.routeId, hour: b.hour, failure_key: fk, mapping: f.mapping, path: f.path, message: f.message, requests: f.count, at_ms: atMs, sample })
        .onConflict(['route_id', 'hour', 'failure_key'])
        .merge({ requests: trx.raw('?? + ?', [`${T.failures}.requests`, f.count]), at_ms: atMs, sample });
    }
  }

  /** Each sample stored once however many fields it illustrates; then only the newest few per field are kept. */
  private async addSamples(trx: Knex.Transaction, b: RouteHourBatch): Promise<void> {
    if (b.samples.size === 0) return;
    const byObject = new Map<ShadowSample, string[]>();
    for (const [id, ring] of b.samples) for (const s of ring) byObject.set(s, [...(byObject.get(s) ?? []), fieldHash(id)]);
    for (const [sample, keys] of byObject) {
      const atMs = Date.parse(sample.at);
      const [inserted] = await trx(T.samples).insert({ route_id: b.routeId, at_ms: atMs, sample: JSON.stringify(storableSample(sample, this.sampleBodyBytes)) });
      const sampleId = Number(inserted);
      await trx(T.sampleFields).insert(keys.map((fk) => ({ route_id: b.routeId, field_key: fk, sample_id: sampleId, at_ms: atMs })));
    }
    const touched = [...new Set([...b.samples.keys()].map(fieldHash))].sort();
    for (const fk of touched) {
      const older: unknown[] = await trx(T.sampleFields)
        .select('sample_id')
        .where({ route_id: b.routeId, field_key: fk })
        .orderBy('sample_id', 'desc')
        .offset(this.samplesPerField);
      const old = readKeys(SampleIdRowSchema, T.sampleFields, older).map((r) => r.sample_id);
      if (old.length === 0) continue;
      await trx(T.sampleFields).where({ route_id: b.routeId, field_key: fk }).whereIn('sample_id', old).delete();
      await deleteOrphans(trx, old);
    }
  }

  /** Every route's report (or one route's, empty when it has no record) since a time, rounded down to its hour. */
  async report(routeId: string | undefined, since: Date): Promise<RouteShadowReport[]> {
    const from = new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS);
    const aggregates = await readAggregates(this.db, routeId, from, this.samplesPerField);
    return aggregates.map((a) => buildReport(a, from, this.noiseFor(a.routeId)));
  }

  /** Each route's fields with their verdict (true: real), for the recorder's match counter. */
  verdicts(since: Date): Promise<Map<string, Map<string, boolean>>> {
    return readVerdicts(this.db, Math.floor(since.getTime() / HOUR_MS), (r) => this.noiseFor(r));
  }

  /** Deletes every hour (and sample) older than the retention. */
  async prune(now: Date = this.clock()): Promise<void> {
    const cutoffMs = now.getTime() - this.retentionMs;
    const cutoffHour = Math.floor(cutoffMs / HOUR_MS);
    for (const table of [T.totals, T.fields, T.fingerprints, T.latency, T.failures]) await this.db(table).where('hour', '<', cutoffHour).delete();
    await this.db(T.sampleFields).where('at_ms', '<', cutoffMs).delete();
    await this.db(T.samples).where('at_ms', '<', cutoffMs).delete();
  }

  private async maybePrune(): Promise<void> {
    const now = this.clock();
    if (now.getTime() - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = now.getTime();
    try {
      await this.prune(now);
    } catch (e) {
      // The flush before it is committed: failing it now would make the recorder add its counts twice.
      this.options.onPruneError?.(e);
    }
  }

  /** Closes the database when this store opened it from a URL; a shared Knex belongs to its owner. */
  async close(): Promise<void> {
    if (this.owned) await this.db.destroy();
  }
}

/** Samples that no field refers to now. */
async function deleteOrphans(trx: Knex.Transaction, ids: readonly number[]): Promise<void> {
  await trx(T.samples)
    .whereIn('id', ids)
    .whereNotExists(function orphan(this: Knex.QueryBuilder) {
      void this.select(trx.raw('1')).from(T.sampleFields).whereRaw('??.?? = ??.??', [T.sampleFields, 'sample_id', T.samples, 'id']);
    })
    .delete();
}
