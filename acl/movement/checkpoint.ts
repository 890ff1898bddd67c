import { z } from 'zod';
import { MovementError } from './errors';
import { readJson, stateFile, writeJsonAtomic } from './state-files';

const CountersSchema = z.object({
  read: z.number().int().min(0),
  inserted: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  rejected: z.number().int().min(0),
});

/** Where a backfill stands; written only after the service acknowledged the batch up to `lastKey`. */
export const CheckpointSchema = z.object({
  context: z.string(),
  state: z.enum(['running', 'complete']),
  /** Highest key whose batch the service acknowledged; the next run reads keys above it. */
  lastKey: z.number().int().min(0),
  counters: CountersSchema,
  startedAt: z.string(),
  updatedAt: z.string(),
});

export type Counters = z.infer<typeof CountersSchema>;
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const ZERO_COUNTERS: Counters = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };

export function checkpointFile(dataDir: string, context: string): string {
  return stateFile(dataDir, context, 'checkpoint.json');
}

export function readCheckpoint(dataDir: string, context: string): Checkpoint | undefined {
  const file = checkpointFile(dataDir, context);
  const raw = readJson(file);
  if (raw === undefined) return undefined;
  const parsed = CheckpointSchema.safeParse(raw);
  if (!parsed.success || parsed.data.context !== context) {
    throw new MovementError('STATE_FILE', `${file} is not a ${context} checkpoint; delete it to start a fresh pass`);
  }
  return parsed.data;
}

export function writeCheckpoint(dataDir: string, checkpoint: Checkpoint): void {
  writeJsonAtomic(checkpointFile(dataDir, checkpoint.context), checkpoint);
}
