import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * `<data dir>/stack.json`: where the running local stack (`strangler up`, `npm start`) listens, so
 * that every CLI command finds it on whatever ports it was started, and a second `up` knows the
 * first one is running. Addresses only: the admin token stays in its own owner-only file.
 */

export const StackFileSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  gateway: z.string(),
  admin: z.string().nullable(),
  legacy: z.string(),
  catalog: z.array(z.string()).min(1),
  orders: z.string(),
  /** Absent in a file written before the inventory service joined the stack. */
  inventory: z.string().optional(),
  /** Where the admin token is: the file `up` wrote, or the variable it took it from. */
  token: z.string(),
});
export type StackFile = z.infer<typeof StackFileSchema>;

export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return env.STRANGLER_DATA_DIR || './data';
}

export function stackFilePath(env: NodeJS.ProcessEnv): string {
  return path.join(dataDirOf(env), 'stack.json');
}

/** Written whole or not at all (a reader never sees half a file). */
export function writeStackFile(env: NodeJS.ProcessEnv, stack: StackFile): void {
  const file = stackFilePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(stack, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Removes the file if it is this process's own (a second `up` that failed must not remove the first one's). */
export function removeStackFile(env: NodeJS.ProcessEnv, pid: number): void {
  const file = stackFilePath(env);
  const stack = readStackFile(file);
  if (stack?.pid === pid) rmSync(file, { force: true });
}

function readStackFile(file: string): StackFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = StackFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** True while a process with this id exists (one we may not signal exists too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The stack that runs from this data directory, or null: no file, a file that does not parse, or one left behind by a stack that is gone (killed -9). */
export function runningStack(env: NodeJS.ProcessEnv): { stack: StackFile; file: string } | null {
  const file = stackFilePath(env);
  const stack = readStackFile(file);
  return stack !== null && alive(stack.pid) ? { stack, file } : null;
}
