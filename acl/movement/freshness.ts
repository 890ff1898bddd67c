import { z } from 'zod';
import { CheckpointSchema } from './checkpoint';
import type { ContextName } from './contexts';
import { readJson, stateFile, writeJsonAtomic } from './state-files';
import { SyncStateSchema } from './sync';
import type { VerifyResult } from './verify';

/**
 * How fresh a context's moved data is, from the data tools' own state files: the last backfill
 * (its checkpoint), the last sync round and the last verify. `verify` records its outcome here so
 * that someone deciding a flip can see when the data was last proven equal, not only moved.
 */
export const VerifyRecordSchema = z.object({
  context: z.string(),
  at: z.string(),
  clean: z.boolean(),
  legacyRows: z.number().int(),
  serviceRows: z.number().int(),
  matching: z.number().int(),
  missing: z.number().int(),
  extra: z.number().int(),
  different: z.number().int(),
  refused: z.number().int(),
});
export type VerifyRecord = z.infer<typeof VerifyRecordSchema>;

export interface DataFreshness {
  readonly context: string;
  readonly backfill: { readonly state: 'running' | 'complete'; readonly updatedAt: string; readonly rows: number; readonly rejected: number } | null;
  readonly sync: { readonly lastRunAt: string; readonly highWaterMark: string | null } | null;
  readonly verify: VerifyRecord | null;
  /** A state file that exists but cannot be read, named, so that "never ran" and "unreadable" differ. */
  readonly problems: readonly string[];
}

export function verifyRecordFile(dataDir: string, context: string): string {
  return stateFile(dataDir, context, 'verify.json');
}

/** Written after every verify, clean or not: the last one is what counts. */
export function recordVerify(dataDir: string, result: VerifyResult, at: Date): VerifyRecord {
  const record: VerifyRecord = {
    context: result.context,
    at: at.toISOString(),
    clean: result.clean,
    legacyRows: result.legacyRows,
    serviceRows: result.serviceRows,
    matching: result.matching,
    missing: result.missing.count,
    extra: result.extra.count,
    different: result.different.count,
    refused: result.refused.count,
  };
  writeJsonAtomic(verifyRecordFile(dataDir, result.context), record);
  return record;
}

/** One context's freshness; never throws for a missing or damaged file, it names it instead. */
export function readFreshness(dataDir: string, context: ContextName): DataFreshness {
  const problems: string[] = [];
  const read = <T>(suffix: string, schema: z.ZodType<T>): T | null => {
    const file = stateFile(dataDir, context, suffix);
    try {
      const raw = readJson(file);
      if (raw === undefined) return null;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      problems.push(`${file} cannot be read: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
    return null;
  };
  const checkpoint = read('checkpoint.json', CheckpointSchema);
  const sync = read('sync.json', SyncStateSchema);
  return {
    context,
    backfill: checkpoint && { state: checkpoint.state, updatedAt: checkpoint.updatedAt, rows: checkpoint.counters.read, rejected: checkpoint.counters.rejected },
    sync: sync && { lastRunAt: sync.lastRunAt, highWaterMark: sync.highWaterMark },
    verify: read('verify.json', VerifyRecordSchema),
    problems,
  };
}
