import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `strangler trace` as a user runs it: the default file in the data directory, --file and --json,
 * a request that is not in the file (1), a malformed argument (2), and a reader that leaves early.
 */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const FIXTURE = path.join(__dirname, 'fixtures/traces.jsonl');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-trace-cli-'));
copyFileSync(FIXTURE, path.join(dataDir, 'traces.jsonl'));

function cli(args: string[], env: NodeJS.ProcessEnv = {}, closeStdout = false): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'trace', ...args], { cwd: ROOT, env: { ...process.env, STRANGLER_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (closeStdout) child.stdout.destroy();
  else child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

describe('strangler trace', () => {
  it('prints the request\'s waterfall from <data dir>/traces.jsonl, and names the line it skipped', async () => {
    const r = await cli(['fix-1']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('trace 4bf92f3577b34da6a3ce929d0e0e4736  ·  8 spans  ·  40.00 ms  ·  services: gateway, legacy-monolith, catalog  ·  request fix-1');
    expect(r.stdout).toMatch(/^\|.{30}\| +16\.00 ms {2}legacy-monolith {6}GET {2}path=\/api\/products\/2 status=200$/m);
    expect(r.stderr).toBe(`strangler: warning: skipped a line that is not a span: ${path.join(dataDir, 'traces.jsonl')}:7: not JSON (Expected ',' or '}' after property value in JSON at position 80)\n`);
  });

  it('reads another file with --file, by trace id, as JSON with --json', async () => {
    const r = await cli(['0AF7651916CD43DD8448EB211C80319C', '--file', FIXTURE, '--json'], { STRANGLER_DATA_DIR: path.join(dataDir, 'elsewhere') });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const json = JSON.parse(r.stdout) as { file: string; traces: { traceId: string; spans: { name: string; service: string }[] }[] };
    expect(json.file).toBe(FIXTURE);
    expect(json.traces.map((t) => [t.traceId, t.spans.map((s) => `${s.service} ${s.name}`)])).toEqual([['0af7651916cd43dd8448eb211c80319c', ['gateway GET products']]]);
  });

  it('says which file it looked in when the request is not there, and exits 1', async () => {
    const r = await cli(['no-such-request']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`no trace with the id or request id "no-such-request" in ${path.join(dataDir, 'traces.jsonl')}`);
    const missing = await cli(['fix-1', '--file', path.join(dataDir, 'none.jsonl')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`strangler: no traces file at ${path.join(dataDir, 'none.jsonl')}: start the stack with \`npm start -- --trace\` to collect spans there, or name the file with --file\n`);
  });

  it('refuses a malformed id or a missing one as a usage error (exit 2)', async () => {
    const bad = await cli(['not an id']);
    expect([bad.status, bad.stderr]).toEqual([2, 'strangler: "not an id" is neither a trace id (32 hex digits) nor a request id (1-128 of A-Z a-z 0-9 . _ : -)\n']);
    expect((await cli([])).status).toBe(2);
  });

  it('ends quietly when its reader has gone', async () => {
    const r = await cli(['fix-1', '--file', FIXTURE], {}, true);
    expect([r.status, r.stderr.includes('EPIPE')]).toEqual([0, false]);
  });
});
