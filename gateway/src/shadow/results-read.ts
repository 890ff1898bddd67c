import type { Knex } from 'knex';
import { HOUR_MS, TOTAL_KEYS, emptyTotals, fieldId, type FieldCount, type FieldRef, type ShadowTotals } from './batch';
import { emptyHistogram, type Histogram } from './latency';
import { classifyAggregate, type RouteAggregate } from './report';
import { FailureRowSchema, FieldRowSchema, FingerprintRowSchema, LatencyRowSchema, RowReader, SampleRowSchema, TotalsRowSchema } from './results-rows';
import { COLUMN, LATENCY_COLUMNS, T, fieldHash } from './results-tables';
import type { CompareFailureReport, NoiseThresholds, ShadowSample } from './types';

/**
 * Reading the shadow results back. A row that does not parse is left out and named (RowReader);
 * leaving one out only ever makes a route look worse, never better: without its totals nothing
 * was compared, without a field's counts the field cannot be excused as noise, and without a
 * fingerprint its requests do not count as matches.
 */

interface Scope {
  readonly routeId: string | undefined;
  readonly fromHour: number;
}

function scoped(q: Knex.QueryBuilder, s: Scope, column = 'hour'): Knex.QueryBuilder {
  void q.where(column, '>=', s.fromHour);
  if (s.routeId !== undefined) void q.andWhere('route_id', s.routeId);
  return q;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function readTotals(db: Knex, s: Scope, reader: RowReader): Promise<Map<string, ShadowTotals>> {
  const sums = Object.fromEntries(TOTAL_KEYS.map((k) => [k, COLUMN[k]]));
  const rows: unknown[] = await scoped(db(T.totals).select('route_id').sum(sums).groupBy('route_id'), s);
  const out = new Map<string, ShadowTotals>();
  for (const row of rows) {
    const r = reader.read(TotalsRowSchema, T.totals, ['route_id'], row);
    if (!r) continue;
    const t = emptyTotals();
    // Every total is selected above, under its own name.
    for (const k of TOTAL_KEYS) t[k] = r[k] ?? 0;
    out.set(r.route_id, t);
  }
  return out;
}

async function readFields(db: Knex, s: Scope, reader: RowReader): Promise<Map<string, FieldCount[]>> {
  const rows: unknown[] = await scoped(
    db(T.fields).select('route_id', 'field_key', 'path', 'kind').sum({ raw: 'raw', noise: 'noise' }).groupBy('route_id', 'field_key', 'path', 'kind'),
    s,
  );
  const out = new Map<string, FieldCount[]>();
  for (const row of rows) {
    const r = reader.read(FieldRowSchema, T.fields, ['route_id', 'field_key'], row);
    if (r) push(out, r.route_id, { path: r.path, kind: r.kind, raw: r.raw, noise: r.noise });
  }
  return out;
}

async function readFingerprints(db: Knex, s: Scope, reader: RowReader): Promise<Map<string, { fields: FieldRef[]; count: number }[]>> {
  const rows: unknown[] = await scoped(db(T.fingerprints).select('route_id', 'fp_key', 'fields').sum({ requests: 'requests' }).groupBy('route_id', 'fp_key', 'fields'), s);
  const out = new Map<string, { fields: FieldRef[]; count: number }[]>();
  for (const row of rows) {
    const r = reader.read(FingerprintRowSchema, T.fingerprints, ['route_id', 'fp_key'], row);
    if (r) push(out, r.route_id, { fields: r.fields, count: r.requests });
  }
  return out;
}

async function readLatency(db: Knex, s: Scope, reader: RowReader): Promise<Map<string, { legacy: Histogram; fresh: Histogram }>> {
  const sums = Object.fromEntries(['requests', 'sum_ms', ...LATENCY_COLUMNS].map((c) => [c, c]));
  const rows: unknown[] = await scoped(db(T.latency).select('route_id', 'side').sum(sums).groupBy('route_id', 'side'), s);
  const out = new Map<string, { legacy: Histogram; fresh: Histogram }>();
  for (const row of rows) {
    const r = reader.read(LatencyRowSchema, T.latency, ['route_id', 'side'], row);
    if (!r) continue;
    let pair = out.get(r.route_id);
    if (!pair) out.set(r.route_id, (pair = { legacy: emptyHistogram(), fresh: emptyHistogram() }));
    const h = pair[r.side];
    // Every column is selected above.
    LATENCY_COLUMNS.forEach((c, i) => (h.counts[i] = r[c] ?? 0));
    h.count = r['requests'] ?? 0;
    h.sumMs = r['sum_ms'] ?? 0;
  }
  return out;
}

/** The newest samples of each field of each route, newest first. */
async function readSamples(
  db: Knex,
  s: Scope,
  fields: ReadonlyMap<string, readonly FieldCount[]>,
  perField: number,
  reader: RowReader,
): Promise<Map<string, Map<string, ShadowSample[]>>> {
  const q = db(`${T.sampleFields} as sf`)
    .join(`${T.samples} as s`, 's.id', 'sf.sample_id')
    .select('sf.sample_id', 'sf.route_id', 'sf.field_key', 's.sample')
    .where('sf.at_ms', '>=', s.fromHour * HOUR_MS)
    .orderBy('sf.sample_id', 'desc');
  if (s.routeId !== undefined) void q.andWhere('sf.route_id', s.routeId);
  const rows: unknown[] = await q;
  const ids = new Map<string, string>();
  for (const [routeId, list] of fields) for (const f of list) ids.set(`${routeId}\u0000${fieldHash(fieldId(f.path, f.kind))}`, fieldId(f.path, f.kind));
  const out = new Map<string, Map<string, ShadowSample[]>>();
  for (const row of rows) {
    const r = reader.read(SampleRowSchema, T.samples, ['sample_id', 'route_id'], row);
    if (!r) continue;
    const id = ids.get(`${r.route_id}\u0000${r.field_key}`);
    if (id === undefined) continue;
    let byField = out.get(r.route_id);
    if (!byField) out.set(r.route_id, (byField = new Map()));
    const list = byField.get(id) ?? [];
    if (list.length < perField) byField.set(id, [...list, r.sample]);
  }
  return out;
}

async function readFailures(db: Knex, s: Scope, reader: RowReader): Promise<Map<string, CompareFailureReport[]>> {
  const rows: unknown[] = await scoped(db(T.failures).select('route_id', 'failure_key', 'mapping', 'path', 'message', 'requests', 'at_ms', 'sample'), s).orderBy('at_ms', 'desc');
  const byKey = new Map<string, { routeId: string; report: CompareFailureReport }>();
  for (const row of rows) {
    const r = reader.read(FailureRowSchema, T.failures, ['route_id', 'failure_key'], row);
    if (!r) continue;
    const key = `${r.route_id}\u0000${r.failure_key}`;
    const known = byKey.get(key);
    // Newest first: the first row seen holds the sample shown; the others add their counts.
    if (known) byKey.set(key, { ...known, report: { ...known.report, count: known.report.count + r.requests } });
    else byKey.set(key, { routeId: r.route_id, report: { mapping: r.mapping, path: r.path, message: r.message, count: r.requests, sample: r.sample } });
  }
  const out = new Map<string, CompareFailureReport[]>();
  for (const { routeId, report } of byKey.values()) push(out, routeId, report);
  for (const list of out.values()) list.sort((a, b) => b.count - a.count || (a.mapping + a.path < b.mapping + b.path ? -1 : 1));
  return out;
}

/** Every route with a record since the hour (or the one route asked for, empty when it has none), sorted by id. */
export async function readAggregates(db: Knex, routeId: string | undefined, from: Date, samplesPerField: number): Promise<RouteAggregate[]> {
  const s: Scope = { routeId, fromHour: Math.floor(from.getTime() / HOUR_MS) };
  const reader = new RowReader();
  const [totals, fields, fingerprints, latency] = await Promise.all([readTotals(db, s, reader), readFields(db, s, reader), readFingerprints(db, s, reader), readLatency(db, s, reader)]);
  const samples = await readSamples(db, s, fields, samplesPerField, reader);
  const failures = await readFailures(db, s, reader);
  // A route whose only record is unreadable still gets a report, to say so.
  const routes = new Set([...totals.keys(), ...reader.routes(), ...(routeId !== undefined ? [routeId] : [])]);
  return [...routes].sort().map((id) => ({
    routeId: id,
    unreadable: reader.unreadableFor(id),
    totals: totals.get(id) ?? emptyTotals(),
    fields: fields.get(id) ?? [],
    fingerprints: fingerprints.get(id) ?? [],
    latency: latency.get(id) ?? { legacy: emptyHistogram(), fresh: emptyHistogram() },
    samples: samples.get(id) ?? new Map(),
    failures: failures.get(id) ?? [],
  }));
}

/** Each route's field verdicts (fieldId → real) since an hour: the cheap part of a report, without fingerprints or samples. */
export async function readVerdicts(db: Knex, fromHour: number, noiseFor: (routeId: string) => NoiseThresholds): Promise<Map<string, Map<string, boolean>>> {
  const s: Scope = { routeId: undefined, fromHour };
  // Rows left out here count against a route (its fields cannot be excused as noise); the report names them.
  const reader = new RowReader();
  const [totals, fields] = await Promise.all([readTotals(db, s, reader), readFields(db, s, reader)]);
  const out = new Map<string, Map<string, boolean>>();
  for (const [routeId, t] of totals) out.set(routeId, classifyAggregate(t, fields.get(routeId) ?? [], noiseFor(routeId)));
  return out;
}
