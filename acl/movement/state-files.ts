import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MovementError, firstLine } from './errors';

/** `<data dir>/backfill/<context>.<suffix>`: where every data tool keeps its state and reports. */
export function stateFile(dataDir: string, context: string, suffix: string): string {
  return path.join(dataDir, 'backfill', `${context}.${suffix}`);
}

/**
 * Writes through a temporary file and a rename, so that a process killed at any instant leaves
 * either the old state or the new one, never half a file.
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    throw new MovementError('STATE_FILE', `cannot write ${file}: ${firstLine(err)}`);
  }
}

/** The parsed file, or undefined when it does not exist; a corrupt file is an error, not a silent restart. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MovementError('STATE_FILE', `cannot read ${file}: ${firstLine(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MovementError('STATE_FILE', `${file} is not valid JSON; delete it to start a fresh pass`);
  }
}
