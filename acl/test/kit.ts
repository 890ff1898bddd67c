import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The ACL's own folder (where the shipped mappings live). */
export const ACL_ROOT = path.resolve(__dirname, '..');

export const NOW = new Date('2026-01-01T00:00:00Z');

/** A throw-away ACL root holding the given `<context>/<mapping>.jsonata` sources. */
export function tempRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'acl-test-'));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), source);
  }
  return root;
}

/** Every file under `dir` whose name ends with `suffix`, recursively, sorted. */
export function filesUnder(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...filesUnder(full, suffix));
    else if (entry.isFile() && entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

/** Awaits a promise expected to reject and returns what it rejected with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a value');
}

/**
 * A clock for the guardrails that moves one millisecond each time they read it, and when the test
 * moves it: a timeout or a slice is then a number of steps, the same on any machine.
 */
export interface SteppingClock {
  /** What the guardrails read: moves the clock on by one, then tells the time. */
  readonly now: () => number;
  /** The time, without moving the clock. */
  peek(): number;
  advance(ms: number): void;
}

export function steppingClock(start = 0): SteppingClock {
  let t = start;
  return { now: () => ++t, peek: () => t, advance: (ms) => void (t += ms) };
}
