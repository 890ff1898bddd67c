import { z } from 'zod';
import { CONTEXTS, type ContextName, type LegacyRecord } from './contexts';
import { MovementError } from './errors';
import { checkLegacySource, openLegacySource } from './legacy-source';
import { startRejectReport } from './rejects';
import type { RetryOptions } from './retry';
import { createServiceClient } from './service-client';
import { readJson, stateFile, writeJsonAtomic } from './state-files';
import { legacyKeys, serviceEntries } from './streams';
import { loadTranslator } from './translate';

/** Rows changed this long before the last high-water mark are read again: clocks and commit order are not exact, and upserts are idempotent. */
export const DEFAULT_OVERLAP_SECONDS = 120;
const DELETE_CHUNK = 1000;

export const SyncStateSchema = z.object({ context: z.string(), highWaterMark: z.string().regex(/^\d{14}$/).nullable(), lastRunAt: z.string() });
export type SyncState = z.infer<typeof SyncStateSchema>;

export interface SyncOptions {
  readonly context: ContextName;
  readonly legacyUrl: string;
  readonly serviceUrl: string;
  readonly dataDir: string;
  readonly batchSize?: number;
  readonly overlapSeconds?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  readonly now?: () => Date;
}

export interface SyncResult {
  readonly context: ContextName;
  /** Lower bound of the change timestamps read (`YYYYMMDDHHMMSS`), null on a first, full sync. */
  readonly since: string | null;
  readonly highWaterMark: string | null;
  readonly scanned: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly deleted: number;
  /** Seconds between now and the newest legacy change seen (its age); null when legacy is empty. */
  readonly lagSeconds: number | null;
  /** Seconds since the previous sync ran; null when this was the first. */
  readonly sinceLastSyncSeconds: number | null;
  readonly rejectsFile: string;
}

function parseStamp(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (m === null) throw new MovementError('STATE_FILE', `not a legacy timestamp: ${stamp}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function formatStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function readSyncState(file: string, context: string): SyncState | undefined {
  const raw = readJson(file);
  if (raw === undefined) return undefined;
  const parsed = SyncStateSchema.safeParse(raw);
  if (!parsed.success || parsed.data.context !== context) throw new MovementError('STATE_FILE', `${file} is not a ${context} sync state; delete it to sync everything again`);
  return parsed.data;
}

/**
 * One incremental round: upsert every row changed since (high-water mark − overlap), then delete
 * from the service what legacy no longer has, then move the mark. A round killed half-way leaves
 * the old mark, so the next round redoes the work: that is safe because upserts are idempotent.
 */
export async function sync(options: SyncOptions): Promise<SyncResult> {
  const context = CONTEXTS[options.context];
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > context.maxBatch) {
    throw new MovementError('USAGE', `--batch-size must be an integer from 1 to ${context.maxBatch} for ${context.name}, got ${String(batchSize)}`);
  }
  const now = options.now ?? (() => new Date());
  const stateFileName = stateFile(options.dataDir, context.name, 'sync.json');
  const previous = readSyncState(stateFileName, context.name);
  const overlapMs = (options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
  const since = previous?.highWaterMark ? formatStamp(parseStamp(previous.highWaterMark) - overlapMs) : null;
  const translate = loadTranslator(context.mapping);
  const service = createServiceClient({ baseUrl: options.serviceUrl, collection: context.servicePath, timeoutMs: options.timeoutMs, retry: options.retry });
  const source = openLegacySource(options.legacyUrl);
  const report = startRejectReport(stateFile(options.dataDir, context.name, 'sync.rejects.jsonl'));
  try {
    await checkLegacySource(source, context.table);
    let highWaterMark = previous?.highWaterMark ?? null;
    const totals = { scanned: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, deleted: 0 };
    for (let after = 0; ; ) {
      const records = await context.readBatch(source, after, batchSize, since ?? undefined);
      if (records.length === 0) break;
      const { accepted, rejected } = await translate(records);
      if (accepted.length > 0) {
        const counts = await service.upsert(accepted.map((a) => a.item));
        totals.inserted += counts.inserted;
        totals.updated += counts.updated;
        totals.unchanged += counts.unchanged;
      }
      report.append(rejected);
      totals.rejected += rejected.length;
      totals.scanned += records.length;
      for (const r of records) if (highWaterMark === null || r.changedAt > highWaterMark) highWaterMark = r.changedAt;
      after = (records[records.length - 1] as LegacyRecord).key;
    }
    totals.deleted = await deleteVanished(context.name, source, service, batchSize);
    writeJsonAtomic(stateFileName, { context: context.name, highWaterMark, lastRunAt: now().toISOString() } satisfies SyncState);
    const lagSeconds = highWaterMark === null ? null : Math.max(0, Math.round((now().getTime() - parseStamp(highWaterMark)) / 1000));
    const lastRun = previous ? Date.parse(previous.lastRunAt) : Number.NaN;
    const sinceLastSyncSeconds = Number.isNaN(lastRun) ? null : Math.max(0, Math.round((now().getTime() - lastRun) / 1000));
    return { context: context.name, since, highWaterMark, ...totals, lagSeconds, sinceLastSyncSeconds, rejectsFile: report.file };
  } finally {
    await source.close();
  }
}

/**
 * Merges legacy keys with the service's ids (both streamed in order) and deletes the ids legacy
 * no longer has. The ids to delete are collected first and deleted after the scan, because the
 * service pages by position and deleting mid-scan would shift the pages under the reader; only
 * vanished ids are held, never the table.
 */
async function deleteVanished(name: ContextName, source: Parameters<typeof legacyKeys>[1], service: ReturnType<typeof createServiceClient>, batchSize: number): Promise<number> {
  const context = CONTEXTS[name];
  const legacy = legacyKeys(context, source, Math.max(batchSize, 1000));
  const remote = serviceEntries(service, 500, context.serviceKey);
  const vanished: number[] = [];
  let l = await legacy.next();
  for await (const { key } of remote) {
    while (!l.done && l.value < key) l = await legacy.next();
    if (l.done || l.value !== key) vanished.push(key);
  }
  let deleted = 0;
  for (let i = 0; i < vanished.length; i += DELETE_CHUNK) deleted += (await service.delete(vanished.slice(i, i + DELETE_CHUNK))).deleted;
  return deleted;
}

/** A span for people: `12s`, `5m 3s`, `2h 10m`, `2094d 12h`. */
function span(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/**
 * The summary line. Two different ages, each labelled: how long since the previous sync (how far
 * behind the service may have fallen), and how old legacy's newest change is (on a seed from
 * years ago that is years, and says nothing about the sync).
 */
export function describeSync(r: SyncResult): string {
  const last = r.sinceLastSyncSeconds === null ? 'first sync' : `previous sync ${span(r.sinceLastSyncSeconds)} ago`;
  const newest = r.lagSeconds === null ? 'no legacy rows' : `newest legacy change ${r.highWaterMark} (${span(r.lagSeconds)} old)`;
  const lag = `${last}; ${newest}`;
  const rejects = r.rejected > 0 ? `, ${r.rejected} rejected (see ${r.rejectsFile})` : '';
  return `sync ${r.context}: ${r.since === null ? 'full scan' : `changes since ${r.since}`}: ${r.scanned} rows read, ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.deleted} deleted${rejects}; ${lag}`;
}
