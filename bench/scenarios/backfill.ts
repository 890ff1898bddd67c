/**
 * Backfill throughput and memory: seeds a fresh legacy database with 100,000 products, starts the
 * catalog service on its own database, and runs the real `strangler backfill catalog` CLI as its
 * own process, sampling that process's peak resident memory from /proc while it runs.
 * `BENCH_LEGACY_DATABASE_URL` (an empty MySQL database) measures the MySQL figure instead of SQLite.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from '../processes';
import type { Progress } from '../progress';
import type { Scenario } from './scenario';

export const BACKFILL_ROWS = 100_000;

/** One-shot child: resolves with its exit code and stdout; stderr lines feed progress. */
function run(args: string[], env: NodeJS.ProcessEnv, progress: Progress, onPid?: (pid: number) => () => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = onPid && child.pid ? onPid(child.pid) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const last = c.toString().trim().split('\n').at(-1);
      if (last) progress.phase(last.slice(0, 120));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      stop?.();
      resolve({ code, stdout, stderr });
    });
  });
}

/** Highest VmHWM (peak resident set) seen for a process, in MB; sampled until stopped. */
function peakRss(pid: number, sample: (mb: number) => void): () => void {
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sample(Number(m[1]) / 1024);
    } catch {
      // the process has just exited: the last sample stands
    }
  };
  const timer = setInterval(read, 50);
  return () => clearInterval(timer);
}

export const backfillScenario: Scenario = async ({ group, progress }) => {
  const dir = await mkdtemp(join(tmpdir(), 'strangler-bench-backfill-'));
  try {
    const legacyUrl = process.env.BENCH_LEGACY_DATABASE_URL || `sqlite:${join(dir, 'legacy.sqlite')}`;
    progress.phase(`seeding ${BACKFILL_ROWS} legacy products`);
    const seeded = await run(['--import', 'tsx', 'legacy-monolith/src/main.ts', 'seed', '--rows', String(BACKFILL_ROWS)], { LEGACY_DATABASE_URL: legacyUrl }, progress);
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stderr.trim().split('\n').at(-1)}`);

    progress.phase('starting the catalog service');
    const port = await freePort();
    const catalog = await group.start({
      name: 'catalog',
      args: ['--import', 'tsx', join(REPO_ROOT, 'new-services/catalog/src/main.ts'), 'serve', '--port', String(port)],
      readiness: { kind: 'health', port, path: '/health' },
      readyTimeoutMs: 60_000,
      env: { CATALOG_DATABASE_URL: `sqlite:${join(dir, 'catalog.sqlite')}` },
    });

    let peak = 0;
    const started = process.hrtime.bigint();
    const result = await run(
      [join(REPO_ROOT, 'bin/strangler.js'), 'backfill', 'catalog', '--catalog-url', catalog.url, '--batch-size', '500', '--json'],
      { LEGACY_DATABASE_URL: legacyUrl, STRANGLER_DATA_DIR: dir },
      progress,
      (pid) => peakRss(pid, (mb) => (peak = Math.max(peak, mb))),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    progress.end();
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { counters?: { read?: number; inserted?: number; rejected?: number } };
    // Exit 3 means rows were rejected by the ACL: expected for a seed with dirty rows, not a failure.
    const failures = result.code === 0 || result.code === 3 ? [] : [`backfill exited ${result.code}: ${result.stderr.trim().split('\n').at(-1)}`];
    const rows = summary.counters?.read ?? 0;
    const json = { rows, seconds: round(seconds, 2), rows_per_s: Math.round(rows / seconds), peak_rss_mb: round(peak, 1) };
    const human = [
      `backfill catalog: ${rows} legacy products from ${legacyUrl.startsWith('mysql') ? 'MySQL' : 'SQLite'} into the catalog service through the ACL and its batch API`,
      `  ${json.seconds} s, ${json.rows_per_s} rows/s, peak RSS of the backfill process ${json.peak_rss_mb} MB`,
      `  targets: under 60 s (${seconds < 60 ? 'met' : 'MISSED'}), under 300 MB (${peak < 300 ? 'met' : 'MISSED'})`,
      `  counters: ${JSON.stringify(summary.counters ?? {})}`,
    ].join('\n');
    return { human, json, failures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
