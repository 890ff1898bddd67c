import { CONTEXTS, type ContextName, type LegacyRecord } from './contexts';
import { ZERO_COUNTERS, checkpointFile, readCheckpoint, writeCheckpoint, type Checkpoint, type Counters } from './checkpoint';
import { MovementError } from './errors';
import { checkLegacySource, countRows, openLegacySource } from './legacy-source';
import { createProgress } from './progress';
import { resumeRejectReport, startRejectReport } from './rejects';
import type { RetryOptions } from './retry';
import { createServiceClient } from './service-client';
import { stateFile } from './state-files';
import { loadTranslator, type Translated } from './translate';

export const DEFAULT_BATCH_SIZE = 500;

export interface BackfillOptions {
  readonly context: ContextName;
  /** `sqlite:<path>` or `mysql://…`; opened read-only. */
  readonly legacyUrl: string;
  readonly serviceUrl: string;
  /** Holds `backfill/<context>.checkpoint.json` and the reject report. */
  readonly dataDir: string;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Receives progress lines (throttled); silent when absent. */
  readonly onProgress?: (line: string) => void;
  /** Called after each acknowledged batch's checkpoint is on disk (tests stop services here). */
  readonly afterBatch?: (checkpoint: Checkpoint) => Promise<void> | void;
}

export interface BackfillResult {
  readonly context: ContextName;
  /** True when the run continued an interrupted pass. */
  readonly resumed: boolean;
  /** Rows in the legacy table when the run started. */
  readonly total: number;
  /** For the whole pass, the interrupted part of a resumed pass included. */
  readonly counters: Counters;
  /** Whether the pass wrote anything (inserted or updated); false on an idempotent re-run. */
  readonly changed: boolean;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  readonly checkpointFile: string;
  readonly rejectsFile: string;
}

/** Bulk, idempotent, resumable copy of one context's legacy rows into its service, through the ACL and the batch API only. */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const context = CONTEXTS[options.context];
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > context.maxBatch) {
    throw new MovementError('USAGE', `--batch-size must be an integer from 1 to ${context.maxBatch} for ${context.name}, got ${String(batchSize)}`);
  }
  const translate = loadTranslator(context.mapping);
  const service = createServiceClient({ baseUrl: options.serviceUrl, collection: context.servicePath, timeoutMs: options.timeoutMs, retry: options.retry });
  const previous = readCheckpoint(options.dataDir, context.name);
  const source = openLegacySource(options.legacyUrl);
  const started = Date.now();
  try {
    await checkLegacySource(source, context.table);
    const total = await countRows(source, context.table);

    // A completed (or absent) checkpoint means a fresh full pass; a running one is continued.
    const resumed = previous !== undefined && previous.state === 'running';
    const rejectsFile = stateFile(options.dataDir, context.name, 'rejects.jsonl');
    const report = resumed ? await resumeRejectReport(rejectsFile, previous.lastKey) : startRejectReport(rejectsFile);
    let checkpoint: Checkpoint = resumed
      ? previous
      : { context: context.name, state: 'running', lastKey: 0, counters: { ...ZERO_COUNTERS }, startedAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    const startRead = checkpoint.counters.read;
    const progress = createProgress({ label: `backfill ${context.name}`, total, startAt: startRead, write: options.onProgress ?? (() => undefined) });

    const fetchBatch = async (after: number): Promise<{ records: LegacyRecord[]; translated: Translated }> => {
      const records = await context.readBatch(source, after, batchSize);
      return { records, translated: await translate(records) };
    };

    let next = fetchBatch(checkpoint.lastKey);
    for (;;) {
      const { records, translated } = await next;
      if (records.length === 0) break;
      const lastKey = (records[records.length - 1] as LegacyRecord).key;
      // Read and translate the next batch while the service digests this one; still at most two batches in memory.
      next = fetchBatch(lastKey);
      next.catch(() => undefined); // surfaced when awaited; avoids an unhandled rejection if this batch fails first
      const counts = translated.accepted.length > 0 ? await service.upsert(translated.accepted.map((a) => a.item)) : { inserted: 0, updated: 0, unchanged: 0 };
      report.append(translated.rejected);
      const c = checkpoint.counters;
      checkpoint = {
        ...checkpoint,
        lastKey,
        counters: {
          read: c.read + records.length,
          inserted: c.inserted + counts.inserted,
          updated: c.updated + counts.updated,
          unchanged: c.unchanged + counts.unchanged,
          rejected: c.rejected + translated.rejected.length,
        },
        updatedAt: new Date().toISOString(),
      };
      writeCheckpoint(options.dataDir, checkpoint);
      progress.update(checkpoint.counters.read);
      await options.afterBatch?.(checkpoint);
    }
    checkpoint = { ...checkpoint, state: 'complete', updatedAt: new Date().toISOString() };
    writeCheckpoint(options.dataDir, checkpoint);
    progress.finish(checkpoint.counters.read);

    const elapsedMs = Date.now() - started;
    const movedThisRun = checkpoint.counters.read - startRead;
    return {
      context: context.name,
      resumed,
      total,
      counters: checkpoint.counters,
      changed: checkpoint.counters.inserted + checkpoint.counters.updated > 0,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((movedThisRun * 1000) / elapsedMs) : movedThisRun,
      checkpointFile: checkpointFile(options.dataDir, context.name),
      rejectsFile,
    };
  } finally {
    await source.close();
  }
}

/** The one-line summary the CLI prints; says plainly when a re-run changed nothing. */
export function describeBackfill(r: BackfillResult): string {
  const c = r.counters;
  const verdict = r.changed ? '' : ' - nothing changed, the service was already up to date';
  const rejects = c.rejected > 0 ? `, ${c.rejected} rejected (see ${r.rejectsFile})` : '';
  return `backfill ${r.context}${r.resumed ? ' (resumed)' : ''}: ${c.read} rows read, ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged${rejects} in ${(r.elapsedMs / 1000).toFixed(1)}s (${r.rowsPerSecond} rows/s)${verdict}`;
}
