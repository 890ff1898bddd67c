import { z } from 'zod';
import { describeIssues, fieldIssues, storedInteger, storedJson, storedNumber } from '../../../platform';
import { FingerprintSchema } from './batch';
import { CompareFailureSampleSchema, DiffKindSchema, ShadowSampleSchema, type UnreadableRow } from './types';

/**
 * The shadow results' rows as the report reads them, parsed at the boundary. Every replica writes
 * these tables, during an upgrade replicas of two versions among them, so a row may hold a kind or
 * a sample shape this version does not know. Such a row is set aside and named in the report,
 * never cast into a type it does not have and never allowed to sink the whole report.
 *
 * Sums are DECIMAL strings on mysql2 and numbers on SQLite; storedNumber takes both.
 */

const routeId = z.string();

/** One route's totals, each summed over its hours under the total's own name (TOTAL_KEYS). */
export const TotalsRowSchema = z.object({ route_id: routeId }).catchall(storedNumber);

export const FieldRowSchema = z.object({ route_id: routeId, field_key: z.string(), path: z.string(), kind: DiffKindSchema, raw: storedInteger, noise: storedInteger });

export const FingerprintRowSchema = z.object({ route_id: routeId, fp_key: z.string(), fields: storedJson(FingerprintSchema), requests: storedInteger });

/** One side's latency: `requests`, `sum_ms` and one count per bucket (LATENCY_COLUMNS). */
export const LatencyRowSchema = z.object({ route_id: routeId, side: z.enum(['legacy', 'fresh']) }).catchall(storedNumber);

export const FailureRowSchema = z.object({
  route_id: routeId,
  failure_key: z.string(),
  mapping: z.string(),
  path: z.string(),
  message: z.string(),
  requests: storedInteger,
  sample: storedJson(CompareFailureSampleSchema),
});

export const SampleRowSchema = z.object({ sample_id: storedInteger, route_id: routeId, field_key: z.string(), sample: storedJson(ShadowSampleSchema) });

/** Reading a column of a row not yet parsed, to name the row; anything but an object has no columns. */
const ColumnsSchema = z.record(z.string(), z.unknown()).catch({});

/**
 * Parses rows one at a time and keeps the ones that do not parse, by route (null when even the
 * route id is unreadable), each naming its table, its key columns and its first bad field.
 */
export class RowReader {
  private readonly bad = new Map<string | null, UnreadableRow[]>();

  read<S extends z.ZodType>(schema: S, table: string, keyColumns: readonly string[], row: unknown): z.output<S> | null {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    const columns = ColumnsSchema.parse(row);
    const issues = fieldIssues(parsed.error);
    const first = issues[0] ?? { path: '(root)', message: 'unreadable' };
    const routeOf = typeof columns['route_id'] === 'string' ? columns['route_id'] : null;
    const unreadable: UnreadableRow = {
      table,
      row: keyColumns.map((c) => `${c}=${String(columns[c])}`).join(' '),
      field: first.path,
      message: issues.length > 1 ? `${first.message} (and ${issues.length - 1} more)` : first.message,
    };
    this.bad.set(routeOf, [...(this.bad.get(routeOf) ?? []), unreadable]);
    return null;
  }

  /** The routes with a row set aside (not those whose route id itself was unreadable). */
  routes(): string[] {
    return [...this.bad.keys()].filter((r): r is string => r !== null);
  }

  /** What was set aside for a route: its own rows, and any row whose route could not be told. */
  unreadableFor(routeId: string): UnreadableRow[] {
    return [...(this.bad.get(routeId) ?? []), ...(this.bad.get(null) ?? [])];
  }
}

/** Keys the writer reads back inside its transaction (the fingerprints kept, the samples to trim). */
export const FingerprintKeyRowSchema = z.object({ fp_key: z.string() });
export const SampleIdRowSchema = z.object({ sample_id: storedInteger });

/**
 * Rows read back while writing: there is nothing to leave out there, so one that does not parse
 * fails the flush, naming its table and field (the recorder keeps the counts for the next try).
 */
export function readKeys<S extends z.ZodType>(schema: S, table: string, rows: readonly unknown[]): z.output<S>[] {
  const parsed = z.array(schema).safeParse(rows);
  if (parsed.success) return parsed.data;
  throw new Error(`${table}: a stored key cannot be read: ${describeIssues(fieldIssues(parsed.error))}`);
}
