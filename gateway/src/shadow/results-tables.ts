import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isAlreadyExists, isDuplicateColumn } from '../../../platform';
import { TOTAL_KEYS, type ShadowTotals } from './batch';
import { LATENCY_BUCKETS_MS } from './latency';

/** The shadow results' tables and columns, shared by the writer and the reader. */
export const T = {
  totals: 'strangler_shadow_totals',
  fields: 'strangler_shadow_fields',
  fingerprints: 'strangler_shadow_fingerprints',
  latency: 'strangler_shadow_latency',
  samples: 'strangler_shadow_samples',
  sampleFields: 'strangler_shadow_sample_fields',
  failures: 'strangler_shadow_failures',
} as const;

export const COLUMN: Readonly<Record<keyof ShadowTotals, string>> = {
  compared: 'compared',
  noiseSampled: 'noise_sampled',
  identical: 'identical',
  dropped: 'dropped',
  bodyTooLarge: 'body_too_large',
  truncated: 'truncated',
  newErrors: 'new_errors',
  newTimeouts: 'new_timeouts',
  compareErrors: 'compare_errors',
  legacyErrors: 'legacy_errors',
  legacyTimeouts: 'legacy_timeouts',
  fingerprintOverflow: 'fp_overflow',
};

/** One column per latency bucket, the open-ended one included. */
export const LATENCY_COLUMNS: readonly string[] = [...LATENCY_BUCKETS_MS.map((_, i) => `b${i}`), `b${LATENCY_BUCKETS_MS.length}`];

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The key column of a field: paths can be long and MySQL compares strings case-insensitively; a hash has neither problem. */
export const fieldHash = (id: string): string => sha1(id);

/** Creates the tables that do not exist yet; when replicas race to create one, the loser carries on. */
export async function createShadowTables(db: Knex): Promise<void> {
  await createOnce(db, T.totals, totalsTable);
  await addMissingTotals(db);
  await createOnce(db, T.fields, fieldsTable);
  await createOnce(db, T.fingerprints, fingerprintsTable);
  await createOnce(db, T.latency, latencyTable);
  await createOnce(db, T.samples, samplesTable);
  await createOnce(db, T.sampleFields, sampleFieldsTable);
  await createOnce(db, T.failures, failuresTable);
}

/** Translation failures per route and hour: the mapping, field and message, a count, and the newest sample. */
function failuresTable(t: Knex.CreateTableBuilder): void {
  routeHour(t);
  t.string('failure_key', 40).notNullable();
  t.string('mapping', 255).notNullable();
  t.text('path').notNullable();
  t.text('message').notNullable();
  t.bigInteger('requests').notNullable().defaultTo(0);
  t.bigInteger('at_ms').notNullable();
  t.text('sample', 'mediumtext').notNullable();
  t.primary(['route_id', 'hour', 'failure_key']);
}

async function createOnce(db: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  if (await db.schema.hasTable(name)) return;
  try {
    await db.schema.createTable(name, build);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/** A totals table made before a count existed gets its column, every row at 0. */
async function addMissingTotals(db: Knex): Promise<void> {
  for (const k of TOTAL_KEYS) {
    if (await db.schema.hasColumn(T.totals, COLUMN[k])) continue;
    try {
      await db.schema.alterTable(T.totals, (t) => t.bigInteger(COLUMN[k]).notNullable().defaultTo(0));
    } catch (e) {
      if (!isDuplicateColumn(e)) throw e;
    }
  }
}

/** The key columns of the hourly tables. */
function routeHour(t: Knex.CreateTableBuilder): void {
  t.string('route_id', 128).notNullable();
  // Its own index too: pruning and reports over every route select by hour alone.
  t.bigInteger('hour').notNullable().index();
}

function totalsTable(t: Knex.CreateTableBuilder): void {
  routeHour(t);
  for (const k of TOTAL_KEYS) t.bigInteger(COLUMN[k]).notNullable().defaultTo(0);
  t.primary(['route_id', 'hour']);
}

function fieldsTable(t: Knex.CreateTableBuilder): void {
  routeHour(t);
  t.string('field_key', 40).notNullable();
  t.text('path').notNullable();
  t.string('kind', 16).notNullable();
  t.bigInteger('raw').notNullable().defaultTo(0);
  t.bigInteger('noise').notNullable().defaultTo(0);
  t.primary(['route_id', 'hour', 'field_key']);
}

function fingerprintsTable(t: Knex.CreateTableBuilder): void {
  routeHour(t);
  t.string('fp_key', 40).notNullable();
  t.text('fields', 'mediumtext').notNullable();
  t.bigInteger('requests').notNullable().defaultTo(0);
  t.primary(['route_id', 'hour', 'fp_key']);
}

function latencyTable(t: Knex.CreateTableBuilder): void {
  routeHour(t);
  t.string('side', 8).notNullable();
  t.bigInteger('requests').notNullable().defaultTo(0);
  t.double('sum_ms').notNullable().defaultTo(0);
  for (const c of LATENCY_COLUMNS) t.bigInteger(c).notNullable().defaultTo(0);
  t.primary(['route_id', 'hour', 'side']);
}

function samplesTable(t: Knex.CreateTableBuilder): void {
  t.increments('id');
  t.string('route_id', 128).notNullable();
  t.bigInteger('at_ms').notNullable().index();
  t.text('sample', 'mediumtext').notNullable();
}

function sampleFieldsTable(t: Knex.CreateTableBuilder): void {
  t.string('route_id', 128).notNullable();
  t.string('field_key', 40).notNullable();
  t.integer('sample_id').unsigned().notNullable().index();
  t.bigInteger('at_ms').notNullable().index();
  t.primary(['route_id', 'field_key', 'sample_id']);
}
