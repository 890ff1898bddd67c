import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LISTENING_PREFIX } from './child';

/** The repository root: children run from here so that `--import tsx` and `bin/` resolve. */
export const REPO_ROOT = join(__dirname, '..');

/** How a child tells us it is ready: by printing its port, or by answering a health URL with 200. */
export type Readiness = { kind: 'announced-port' } | { kind: 'health'; port: number; path: string };

export interface ChildSpec {
  /** Shown in progress and in errors. */
  name: string;
  /** Arguments after `process.execPath`. */
  args: string[];
  readiness: Readiness;
  readyTimeoutMs?: number;
  /** Added to the bench's own environment. */
  env?: NodeJS.ProcessEnv;
}

/** A started child. `stdoutLines` keeps counting for as long as the child runs. */
export interface Child {
  name: string;
  pid: number;
  port: number;
  url: string;
  stdoutLines(): number;
  stderrLines(): number;
}

/** Spawns a TypeScript file under tsx in its own process, so it never shares the bench's event loop. */
export function tsChild(name: string, file: string, args: string[], readiness: Readiness = { kind: 'announced-port' }): ChildSpec {
  return { name, args: ['--import', 'tsx', join(__dirname, file), ...args], readiness };
}

/** A free port for a child that takes `--port` and does not report the port back (the gateway CLI). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const STDERR_TAIL = 20;

/**
 * Owns every child the bench starts, so that one call ends them all: on success, on error, on
 * Ctrl-C and on `process.exit` (see `killAllNow`).
 */
export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();

  async start(spec: ChildSpec): Promise<Child> {
    // stdin is a pipe on purpose: its closing tells our own children that the bench died (see child.ts).
    const proc = spawn(process.execPath, spec.args, { cwd: REPO_ROOT, env: { ...process.env, ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(proc);
    proc.once('exit', () => this.children.delete(proc));

    let out = 0;
    let err = 0;
    const tail: string[] = [];
    let announced: ((port: number) => void) | undefined;
    // Both streams are always drained: a child blocked on a full pipe would look like a slow target.
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out += 1;
      if (announced && line.startsWith(LISTENING_PREFIX)) announced(Number(line.slice(LISTENING_PREFIX.length)));
    });
    createInterface({ input: proc.stderr! }).on('line', (line) => {
      err += 1;
      tail.push(line);
      if (tail.length > STDERR_TAIL) tail.shift();
    });

    const timeoutMs = spec.readyTimeoutMs ?? 30_000;
    const giveUp = new AbortController();
    const { readiness } = spec;
    const ready = readiness.kind === 'announced-port'
      ? new Promise<number>((resolve) => { announced = resolve; })
      : pollHealth(readiness.port, readiness.path, giveUp.signal).then(() => readiness.port);

    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code, signal) =>
        reject(new Error(`${spec.name} exited before it was ready (${signal ?? `code ${code}`})\n${tail.join('\n')}`)));
      timer = setTimeout(() => reject(new Error(`${spec.name} was not ready within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
    });
    failed.catch(() => undefined); // the race below reports it; after readiness a late exit is not an error here

    let port: number;
    try {
      port = await Promise.race([ready, failed]);
    } finally {
      clearTimeout(timer);
      giveUp.abort();
    }
    return {
      name: spec.name,
      pid: proc.pid ?? -1,
      port,
      url: `http://127.0.0.1:${port}`,
      stdoutLines: () => out,
      stderrLines: () => err,
    };
  }

  /** SIGTERM, then SIGKILL for whoever is still there after `graceMs`. */
  async stopAll(graceMs = 2_000): Promise<void> {
    const running = [...this.children];
    await Promise.all(running.map((proc) => new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const force = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', () => { clearTimeout(force); resolve(); });
      proc.kill('SIGTERM');
    })));
  }

  /** Synchronous, for `process.on('exit')` where nothing asynchronous runs any more. */
  killAllNow(): void {
    for (const proc of this.children) proc.kill('SIGKILL');
  }
}

/** Polls until 200; stops quietly when `stop` aborts (the caller already knows why). */
async function pollHealth(port: number, path: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet: the gateway compiles its TypeScript on start, which takes a moment
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Never resolves once stopped: `start` has already settled through the timeout or exit branch.
  await new Promise<never>(() => undefined);
}
