import { openStateDb } from '../../src/control/store-db';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import type { RouteShadowReport } from '../../src/shadow/types';
import { compared, diff, failure, skipped } from '../shadow/outcomes';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-shadow-cli-'));
const ROUTES = path.join(dir, 'routes.json');
copyFileSync(path.join(ROOT, 'routes.json'), ROUTES);
const URL = `sqlite:${path.join(dir, 'state.sqlite')}`;

function cli(...args: string[]) {
  const env = { ...process.env };
  for (const key of ['STRANGLER_ADMIN_TOKEN', 'STRANGLER_ADMIN_URL', 'STRANGLER_ROUTES', 'STRANGLER_DATA_DIR', 'STRANGLER_STATE_URL']) delete env[key];
  const r = spawnSync(process.execPath, [BIN, 'shadow', 'report', ...args, '--store', URL, '--routes', ROUTES], { cwd: ROOT, encoding: 'utf8', env, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  // Seeded the way the gateway records: through a recorder into the store, in the last hour.
  const store = new ShadowStore(openStateDb(URL), { ownsDb: true });
  await store.migrate();
  const rec = new ShadowRecorder({ store });
  for (let i = 0; i < 40; i++) {
    const differences = i % 8 === 0 ? [diff('price'), diff('updatedAt')] : [diff('updatedAt')];
    rec.record(compared('v2.products', differences, { noise: i % 4 === 0 ? [diff('updatedAt')] : null, legacyMs: 8, freshMs: 30 }));
  }
  rec.record(failure('v2.products', 'new-timeout', 2_000));
  rec.record(skipped('v2.products', 'dropped'));
  await rec.stop();
  await store.close();
}, 30_000);

it('prints per route totals, rates, latency of both sides and the fields with their verdict', () => {
  const r = cli();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^v2\.products: shadow results since \d{4}-\d\d-\d\dT\d\d:00:00Z$/);
  expect(r.stdout).toContain('compared:        40 (10 also sent to legacy twice');
  expect(r.stdout).toContain('match rate:      87.5% (35 of 40 without a real difference)');
  expect(r.stdout).toContain('new error rate:  2.4% (0 errors, 1 timeout)');
  expect(r.stdout).toContain('1 dropped (queue full)');
  expect(r.stdout).toMatch(/latency: +legacy p50 [\d.]+ ms, p99 [\d.]+ ms, mean 8\.0 ms \(40\)\n +new +p50 [\d.]+ ms, p99 [\d.]+ ms, mean [\d.]+ ms \(41\)/);
  const header = lines.findIndex((l) => /^ +FIELD +KIND +RAW +NOISE +RAW RATE +NOISE RATE +VERDICT$/.test(l));
  expect(header).toBeGreaterThan(0);
  expect(lines[header + 1]).toMatch(/^ +price +changed +5 +0 +12\.5% +0\.0% +REAL$/);
  expect(lines[header + 2]).toMatch(/^ +updatedAt +changed +40 +10 +100\.0% +100\.0% +noise$/);
});

it('--json prints the RouteShadowReport objects, samples included', () => {
  const r = cli('v2.products', '--since', '2h', '--json');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const reports = JSON.parse(r.stdout) as RouteShadowReport[];
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatchObject({ routeId: 'v2.products', compared: 40, matches: 35, matchRate: 0.875, noiseSampled: 10, newTimeouts: 1, dropped: 1 });
  expect(reports[0]?.fields.map((f) => [f.path, f.real, f.samples.length])).toEqual([
    ['price', true, 5],
    ['updatedAt', false, 5],
  ]);
});

it('a known route without results says so; an unknown route is refused in one line', () => {
  const quiet = cli('products');
  expect(quiet.status).toBe(0);
  expect(quiet.stdout).toMatch(/^products: shadow results since .*\n  nothing recorded yet\n$/);
  const unknown = cli('no.such.route');
  expect(unknown.status).toBe(1);
  expect(unknown.stdout).toBe('');
  expect(unknown.stderr).toMatch(/^strangler: no route "no\.such\.route" in \S*routes\.json\n$/);
});

it('nothing since a time in the future of the record', () => {
  const r = cli('--since', '2999-01-01');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('no shadow results since 2999-01-01T00:00:00Z\n');
});
