import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { eventually } from '../../platform/test-kit/eventually';
import type { DocCommand } from './commands';

/**
 * What the tests that run a document's commands share: a shell in the repository, the check of an
 * output block, the wait for a flip to be served, and the lookup that fails on an unknown command.
 */

export const ROOT = path.resolve(__dirname, '../..');

/** Runs one command of a document, checking what it did. */
export interface Runner {
  readonly pattern: RegExp;
  run(cmd: DocCommand): Promise<void> | void;
}

export interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * One command through `sh -c` in the repository's root, as a reader types it. `killAfterMs` only
 * ends a command that hangs: the whole benchmark, with the build it starts with, takes minutes.
 */
export function shell(command: string, env: NodeJS.ProcessEnv = {}, killAfterMs = 120_000): ShellResult {
  const r = spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: killAfterMs });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Compares a command's real output with the document's block: JSON by value (an unshown requestId aside), text exactly. */
export function expectOutput(cmd: DocCommand, actual: string): void {
  if (!cmd.expected) return;
  if (cmd.expected.lang === 'json') {
    const got = JSON.parse(actual) as Record<string, unknown>;
    if ('requestId' in got && !cmd.expected.text.includes('requestId')) delete got.requestId;
    expect(got).toEqual(JSON.parse(cmd.expected.text));
  } else {
    expect(actual).toBe(cmd.expected.text);
  }
}

/**
 * A GET, tried again when the connection fails (fetch rejects on nothing else): a kept-alive
 * connection can reach its idle timeout on the server just as fetch reuses it ("other side
 * closed"), above all after a synchronous `shell` held this process's event loop for longer than
 * that timeout. (Not `instanceof TypeError`: fetch's errors come from another realm than jest's.)
 */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { headers });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** A GET's body (see `get`). */
export async function getText(url: string): Promise<string> {
  return (await get(url)).text;
}

/** Waits until the gateway's metrics say the route is served in the mode. */
export async function servedMode(gatewayUrl: string, route: string, mode: string): Promise<void> {
  const line = `strangler_route_mode{route="${route}",mode="${mode}"} 1`;
  await eventually(async () => (await getText(`${gatewayUrl}/metrics`)).includes(line));
}

/**
 * Runs `shadow report` until it counts at least `compared` requests (the gateway adds its
 * comparisons to the store every 2 s), checking every run exits cleanly; returns the last output.
 */
export async function pollShadowReport(command: string, env: NodeJS.ProcessEnv, compared: number): Promise<string> {
  let last: ShellResult = { stdout: '', stderr: '', status: null };
  const counted = (): boolean => {
    last = shell(command, env);
    // A run that fails stops the wait: the check below says how.
    return last.status !== 0 || last.stderr !== '' || Number(/compared: +(\d+)/.exec(last.stdout)?.[1] ?? 0) >= compared;
  };
  await eventually(counted);
  expect([last.status, last.stderr]).toEqual([0, '']);
  return last.stdout;
}

/** The runner for a command; a command without one fails, so a document cannot grow an unchecked command. */
export function runnerFor(runners: readonly Runner[], cmd: DocCommand, doc: string, testFile: string): Runner {
  const runner = runners.find((r) => r.pattern.test(cmd.command));
  if (!runner) throw new Error(`${doc} command without a runner in ${testFile}: ${cmd.command}`);
  return runner;
}

/** `npx strangler routes validate routes.json`, as both documents show it: exit 0 and the output block. */
export const validateRoutes: Runner = {
  pattern: /^npx strangler routes validate routes\.json$/,
  run: (cmd) => {
    const r = shell(cmd.command);
    expect(r.status).toBe(0);
    expectOutput(cmd, r.stdout);
  },
};
