import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from '../../../platform/test-kit/eventually';
import { startUpstream, type TestUpstream } from '../kit/upstream';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-cli-'));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
}

describe('strangler CLI', () => {
  it('routes validate: ok for the shipped table', () => {
    const r = cli(['routes', 'validate', 'routes.json']);
    expect(r.stdout).toBe('routes.json: ok, 9 routes, 4 upstreams\n');
    expect(r.status).toBe(0);
  });

  it('routes validate: lists every error and exits 1', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ upstreams: { legacy: { url: 'http://u:p@127.0.0.1' } }, routes: [{ id: 'a', path: '/a', mode: 'new' }] }));
    const r = cli(['routes', 'validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: route table refused, 3 errors:`);
    expect(r.stderr).toContain('upstreams.legacy.url: credentials (userinfo) are not allowed');
    expect(r.stderr).toContain('routes[0].new: mode "new" needs a new target');
    expect(r.stderr).toContain('routes: an explicit catch-all route');
  });

  it('gateway: an invalid table at cold start exits non-zero with the errors, no stack trace', () => {
    const file = path.join(dir, 'cold.json');
    writeFileSync(file, '{ "upstreams": { "legacy": { "url": "http://127.0.0.1:1" } },\n  "routes": [ }');
    const r = cli(['gateway', '--routes', file, '--port', '0', '--admin-port', '0'], { STRANGLER_DATA_DIR: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2:15: invalid JSON`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('gateway: a bad port is a usage error', () => {
    const r = cli(['gateway', '--port', 'eighty']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('strangler: "eighty" is not a port number (0-65535)\n');
  });

  it('gateway: OTEL_* settings it cannot export with stop it at start, naming the variable (exit 1, not an unhandled rejection)', () => {
    const r = cli(['gateway', '--port', '0', '--admin-port', '0'], { STRANGLER_DATA_DIR: dir, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^strangler: cannot start the gateway: .*OTEL_EXPORTER_OTLP_PROTOCOL/m);
    expect(r.stdout).not.toContain('unhandled');
  });

  it('routes schema prints the JSON Schema', () => {
    const r = cli(['routes', 'schema']);
    expect(JSON.parse(r.stdout).title).toBe('strangler route table');
  });

  it('gateway alone reads the admin token by the CLI\'s rule: STRANGLER_ADMIN_TOKEN, else <data dir>/admin-token', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'strangler-cli-token-'));
    writeFileSync(path.join(data, 'admin-token'), 'from-the-file\n');
    const env: NodeJS.ProcessEnv = { ...process.env, STRANGLER_DATA_DIR: data };
    delete env.STRANGLER_ADMIN_TOKEN;
    const child = spawn(process.execPath, [BIN, 'gateway', '--routes', 'routes.json', '--port', '0', '--admin-port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const adminUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.message === 'admin API token') resolve(entry.adminUrl as string);
        if (entry.level === 'warn' && String(entry.message).includes('admin API refuses every request')) reject(new Error(line));
      });
      child.once('exit', () => reject(new Error('gateway exited')));
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const res = await fetch(`${adminUrl}/admin/routes`, { headers: { authorization: 'Bearer from-the-file' } });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });

  describe('gateway process', () => {
    let upstream: TestUpstream;
    beforeAll(async () => {
      upstream = await startUpstream();
    });
    afterAll(() => upstream.close());

    it('serves the shipped routes.json with the upstream overridden from the environment, logs JSON, stops on SIGTERM', async () => {
      const child = spawn(process.execPath, [BIN, 'gateway', '--routes', 'routes.json', '--port', '0', '--admin-port', '0'], {
        cwd: ROOT,
        env: { ...process.env, STRANGLER_UPSTREAM_MONOLITH: upstream.url, STRANGLER_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines: Record<string, unknown>[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.message === 'gateway listening') resolve(entry.url as string);
        });
        child.once('exit', () => reject(new Error('gateway exited')));
      });
      const res = await fetch(`${url}/api/products/7?x=1`, { headers: { 'x-request-id': 'cli-test-1' } });
      expect(res.status).toBe(200);
      expect(upstream.seen.at(-1)?.url).toBe('/api/products/7?x=1');
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // The line is written when the answer closes, which may be just after the client has it.
      await eventually(() => lines.some((l) => l.message === 'request'));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      const entry = lines.find((l) => l.message === 'request');
      expect(entry).toMatchObject({ requestId: 'cli-test-1', route: 'products', upstream: 'monolith', mode: 'legacy', status: 200, level: 'info' });
      expect(typeof entry?.durationMs).toBe('number');
      expect(typeof entry?.timestamp).toBe('string');
    });
  });
});
