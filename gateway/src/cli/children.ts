import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/** Child processes of the local stack: TypeScript entry points run through tsx. */

const TSX = pathToFileURL(require.resolve('tsx')).href;

/**
 * The fields of a child's JSON log line that say it is listening; other fields and other lines
 * are passed through untouched.
 */
const ListeningLineSchema = z.object({ message: z.string(), url: z.string().min(1), adminUrl: z.string().nullish() });

/** A log line as JSON, or undefined when it is not JSON (a stack trace, a tool's plain output). */
function jsonOf(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the `url` (and `adminUrl`, if any) of the first log line whose message matches; rejects if the child exits first. */
  readonly listening: Promise<{ url: string; adminUrl?: string }>;
}

/** How a child's lines reach the terminal. */
export interface ChildOutput {
  /** Put before each of its lines (stdout and stderr), e.g. `legacy    | `, so that interleaved lines still say whose they are. */
  readonly prefix: string;
  /** Leave out its JSON lines at level info (request lines, progress); warnings, errors and anything not JSON still show. */
  readonly quiet: boolean;
}

const LevelSchema = z.object({ level: z.string() });

function shown(line: string, quiet: boolean): boolean {
  if (!quiet) return true;
  const level = LevelSchema.safeParse(jsonOf(line));
  return !level.success || level.data.level !== 'info';
}

export function startChild(name: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv, listeningMessage: string, output: ChildOutput = { prefix: '', quiet: false }): Child {
  const child = spawn(process.execPath, ['--import', TSX, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = new Promise<{ url: string; adminUrl?: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (shown(line, output.quiet)) process.stdout.write(output.prefix + line + '\n');
      const entry = ListeningLineSchema.safeParse(jsonOf(line));
      if (entry.success && entry.data.message === listeningMessage) {
        const { url, adminUrl } = entry.data;
        resolve({ url, ...(typeof adminUrl === 'string' ? { adminUrl } : {}) });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(output.prefix + line + '\n'));
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was listening`)));
  });
  listening.catch(() => undefined);
  return { name, process: child, listening };
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the child is gone. */
export function stopChild(child: Child, graceMs = 5_000): Promise<void> {
  const p = child.process;
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

export async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become healthy within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
