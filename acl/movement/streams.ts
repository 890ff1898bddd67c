import type { LegacyRecord, MovementContext } from './contexts';
import type { LegacySource } from './legacy-source';
import type { ServiceClient } from './service-client';
import type { Translated, Rejection } from './translate';
import type { JsonValue } from '../index';

/** One legacy entity after the ACL: its translation, or why it was refused. */
export type LegacyEntry = { key: number; changedAt: string; item: JsonValue; rejection?: undefined } | { key: number; changedAt: string; item?: undefined; rejection: Rejection };

/** Legacy rows in key order, translated a batch at a time: memory stays one batch whatever the table size. */
export async function* legacyEntries(
  context: MovementContext,
  source: LegacySource,
  translate: (records: readonly LegacyRecord[]) => Promise<Translated>,
  batchSize: number,
): AsyncGenerator<LegacyEntry> {
  let after = 0;
  for (;;) {
    const records = await context.readBatch(source, after, batchSize);
    if (records.length === 0) return;
    const { accepted, rejected } = await translate(records);
    const items = new Map(accepted.map((a) => [a.key, a.item]));
    const refusals = new Map(rejected.map((r) => [r.key, r]));
    for (const record of records) {
      const rejection = refusals.get(record.key);
      if (rejection !== undefined) yield { key: record.key, changedAt: record.changedAt, rejection };
      else yield { key: record.key, changedAt: record.changedAt, item: items.get(record.key) as JsonValue };
    }
    after = (records[records.length - 1] as LegacyRecord).key;
  }
}

/** Legacy keys only, in key order (delete detection). */
export async function* legacyKeys(context: MovementContext, source: LegacySource, batchSize: number): AsyncGenerator<number> {
  let after = 0;
  for (;;) {
    const keys = await context.readKeys(source, after, batchSize);
    if (keys.length === 0) return;
    yield* keys;
    after = keys[keys.length - 1] as number;
  }
}

/**
 * The service's entities in key order, page by page (the services page by their key, `keyField`).
 * A page that comes back short or empty ends the stream.
 */
export async function* serviceEntries(service: ServiceClient, pageSize: number, keyField = 'id'): AsyncGenerator<{ key: number; item: Record<string, unknown> }> {
  for (let page = 1; ; page++) {
    const { items } = await service.page(page, pageSize);
    for (const item of items) yield { key: Number(item[keyField]), item };
    if (items.length < pageSize) return;
  }
}
