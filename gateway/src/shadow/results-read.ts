import type { Knex } from 'knex';
import { HOUR_MS, TOTAL_KEYS, emptyTotals, fieldId, parseFingerprint, type FieldCount, type FieldRef, type ShadowTotals } from './batch';
import { emptyHistogram, type Histogram } from './latency';
import { classifyAggregate, type RouteAggregate } from './report';
import { COLUMN, LATENCY_COLUMNS, T, fieldHash } from './results-tables';
import type { DiffKind, NoiseThresholds, ShadowSample } from './types';

/** Sums come back from mysql2 as strings (DECIMAL), from SQLite as numbers. */
type Num = number | string | null;
const num = (v: Num | undefined): number => (v === null || v === undefined ? 0 : Number(v));

interface Scope {
  readonly routeId: string | undefined;
  readonly fromHour: number;
}

function scoped(q: Knex.QueryBuilder, s: Scope, column = 'hour'): Knex.QueryBuilder {
  void q.where(column, '>=', s.fromHour);
  if (s.routeId !== undefined) void q.andWhere('route_id', s.routeId);
  return q;
}

async function readTotals(db: Knex, s: Scope): Promise<Map<string, ShadowTotals>> {
  const sums = Object.fromEntries(TOTAL_KEYS.map((k) => [k, COLUMN[k]]));
  const rows = (await scoped(db(T.totals).select('route_id').sum(sums).groupBy('route_id'), s)) as (Record<string, Num> & { route_id: string })[];
  const out = new Map<string, ShadowTotals>();
  for (const r of rows) {
    const t = emptyTotals();
    for (const k of TOTAL_KEYS) t[k] = num(r[k]);
    out.set(r.route_id, t);
  }
  return out;
}

async function readFields(db: Knex, s: Scope): Promise<Map<string, FieldCount[]>> {
  const rows = (await scoped(
    db(T.fields).select('route_id', 'field_key', 'path', 'kind').sum({ raw: 'raw', noise: 'noise' }).groupBy('route_id', 'field_key', 'path', 'kind'),
    s,
  )) as { route_id: string; path: string; kind: DiffKind; raw: Num; noise: Num }[];
  const out = new Map<string, FieldCount[]>();
  for (const r of rows) out.set(r.route_id, [...(out.get(r.route_id) ?? []), { path: r.path, kind: r.kind, raw: num(r.raw), noise: num(r.noise) }]);
  return out;
}

async function readFingerprints(db: Knex, s: Scope): Promise<Map<string, { fields: FieldRef[]; count: number }[]>> {
  const rows = (await scoped(db(T.fingerprints).select('route_id', 'fp_key', 'fields').sum({ requests: 'requests' }).groupBy('route_id', 'fp_key', 'fields'), s)) as {
    route_id: string;
    fields: string;
    requests: Num;
  }[];
  const out = new Map<string, { fields: FieldRef[]; count: number }[]>();
  for (const r of rows) out.set(r.route_id, [...(out.get(r.route_id) ?? []), { fields: parseFingerprint(r.fields), count: num(r.requests) }]);
  return out;
}

async function readLatency(db: Knex, s: Scope): Promise<Map<string, { legacy: Histogram; fresh: Histogram }>> {
  const sums = Object.fromEntries(['requests', 'sum_ms', ...LATENCY_COLUMNS].map((c) => [c, c]));
  const rows = (await scoped(db(T.latency).select('route_id', 'side').sum(sums).groupBy('route_id', 'side'), s)) as (Record<string, Num> & { route_id: string; side: string })[];
  const out = new Map<string, { legacy: Histogram; fresh: Histogram }>();
  for (const r of rows) {
    let pair = out.get(r.route_id);
    if (!pair) out.set(r.route_id, (pair = { legacy: emptyHistogram(), fresh: emptyHistogram() }));
    const h = r.side === 'legacy' ? pair.legacy : pair.fresh;
    LATENCY_COLUMNS.forEach((c, i) => (h.counts[i] = num(r[c])));
    h.count = num(r['requests']);
    h.sumMs = num(r['sum_ms']);
  }
  return out;
}

/** The newest samples of each field of each route, newest first. */
async function readSamples(db: Knex, s: Scope, fields: ReadonlyMap<string, readonly FieldCount[]>, perField: number): Promise<Map<string, Map<string, ShadowSample[]>>> {
  const q = db(`${T.sampleFields} as sf`)
    .join(`${T.samples} as s`, 's.id', 'sf.sample_id')
    .select('sf.route_id', 'sf.field_key', 's.sample')
    .where('sf.at_ms', '>=', s.fromHour * HOUR_MS)
    .orderBy('sf.sample_id', 'desc');
  if (s.routeId !== undefined) void q.andWhere('sf.route_id', s.routeId);
  const rows = (await q) as { route_id: string; field_key: string; sample: string }[];
  const ids = new Map<string, string>();
  for (const [routeId, list] of fields) for (const f of list) ids.set(`${routeId}\u0000${fieldHash(fieldId(f.path, f.kind))}`, fieldId(f.path, f.kind));
  const out = new Map<string, Map<string, ShadowSample[]>>();
  for (const r of rows) {
    const id = ids.get(`${r.route_id}\u0000${r.field_key}`);
    if (id === undefined) continue;
    let byField = out.get(r.route_id);
    if (!byField) out.set(r.route_id, (byField = new Map()));
    const list = byField.get(id) ?? [];
    if (list.length < perField) byField.set(id, [...list, JSON.parse(r.sample) as ShadowSample]);
  }
  return out;
}

/** Every route with a record since the hour (or the one route asked for, empty when it has none), sorted by id. */
export async function readAggregates(db: Knex, routeId: string | undefined, from: Date, samplesPerField: number): Promise<RouteAggregate[]> {
  const s: Scope = { routeId, fromHour: Math.floor(from.getTime() / HOUR_MS) };
  const [totals, fields, fingerprints, latency] = await Promise.all([readTotals(db, s), readFields(db, s), readFingerprints(db, s), readLatency(db, s)]);
  const samples = await readSamples(db, s, fields, samplesPerField);
  const routes = new Set([...totals.keys(), ...(routeId !== undefined ? [routeId] : [])]);
  return [...routes].sort().map((id) => ({
    routeId: id,
    totals: totals.get(id) ?? emptyTotals(),
    fields: fields.get(id) ?? [],
    fingerprints: fingerprints.get(id) ?? [],
    latency: latency.get(id) ?? { legacy: emptyHistogram(), fresh: emptyHistogram() },
    samples: samples.get(id) ?? new Map(),
  }));
}

/** Each route's field verdicts (fieldId → real) since an hour: the cheap part of a report, without fingerprints or samples. */
export async function readVerdicts(db: Knex, fromHour: number, noiseFor: (routeId: string) => NoiseThresholds): Promise<Map<string, Map<string, boolean>>> {
  const s: Scope = { routeId: undefined, fromHour };
  const [totals, fields] = await Promise.all([readTotals(db, s), readFields(db, s)]);
  const out = new Map<string, Map<string, boolean>>();
  for (const [routeId, t] of totals) out.set(routeId, classifyAggregate(t, fields.get(routeId) ?? [], noiseFor(routeId)));
  return out;
}
