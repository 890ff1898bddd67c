import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadRouteTableFile } from '../../src/config/load';
import { createAdminServer } from '../../src/control/admin-api';
import { ControlService } from '../../src/control/control';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import type { AuditEntry, RouteList } from '../../src/control/types';
import { silentLogger } from '../../src/observability/logger';
import { aclMappings } from '../../src/translate/acl-adapter';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const TOKEN = 'cli-admin-test-token-0123456789';
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-control-admin-cli-'));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns the CLI without blocking this process: the admin server under test runs in it. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base = { ...process.env };
  for (const key of ['STRANGLER_ADMIN_TOKEN', 'STRANGLER_ADMIN_URL', 'STRANGLER_ROUTES', 'STRANGLER_DATA_DIR']) delete base[key];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, STRANGLER_DATA_DIR: path.join(dir, 'empty'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

function expectOneLine(stderr: string): void {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^strangler: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('routes commands through the admin API', () => {
  it('an admin API nobody listens on: one line naming it, exit 1', async () => {
    const port = await closedPort();
    const r = await cli(['routes', 'list', '--admin', `http://127.0.0.1:${port}`], { STRANGLER_ADMIN_TOKEN: TOKEN });
    expect(r.status).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain(`cannot reach the admin API at http://127.0.0.1:${port}`);
    expect(r.stderr).not.toContain(TOKEN);
  });

  it('no token in the environment nor in the data directory: one line saying where to put it', async () => {
    const r = await cli(['routes', 'list', '--admin', 'http://127.0.0.1:1']);
    expect(r.status).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain('no admin token: set STRANGLER_ADMIN_TOKEN');
  });

  it('a bad admin URL is a usage error', async () => {
    expect((await cli(['routes', 'list', '--admin', 'ftp://host'])).status).toBe(2);
    expect((await cli(['routes', 'list'], { STRANGLER_ADMIN_URL: 'not a url' })).status).toBe(2);
  });

  describe('a running admin server', () => {
    let store: StateStore;
    let server: http.Server;
    let url: string;

    beforeAll(async () => {
      store = openStateStore(`sqlite:${path.join(dir, 'state.sqlite')}`);
      await store.migrate();
      const table = loadRouteTableFile(path.join(ROOT, 'routes.json'), { mappings: aclMappings() });
      server = createAdminServer({ control: new ControlService({ store, baseline: () => table }), token: TOKEN, logger: silentLogger() });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    });

    it('lists, flips, refuses, rolls back and shows the history, recorded as coming through the API', async () => {
      const env = { STRANGLER_ADMIN_TOKEN: TOKEN, STRANGLER_ADMIN_URL: url };
      const list = await cli(['routes', 'list'], env);
      expect(list.stderr).toBe('');
      expect(list.stdout).toMatch(/^v2\.products .* legacy +routes\.json +monolith +catalog$/m);

      const flip = await cli(['routes', 'flip', 'v2.products', '--to', 'shadow', '--reason', 'through the API', '--actor', 'carol'], env);
      expect(flip.stdout).toBe('v2.products: legacy → shadow (version 1)\n');
      expect(flip.status).toBe(0);

      const refused = await cli(['routes', 'flip', 'v2.products', '--to', 'retired', '--reason', 'too soon'], env);
      expect(refused.status).toBe(1);
      expectOneLine(refused.stderr);
      expect(refused.stderr).toContain('allowed next: legacy, canary');

      const json = await cli(['routes', 'list', '--json'], env);
      expect((JSON.parse(json.stdout) as RouteList).routes[0]).toMatchObject({ id: 'v2.products', state: { mode: 'shadow' }, source: { version: 1 } });

      const rollback = await cli(['routes', 'rollback', 'v2.products', '--reason', 'done'], env);
      expect(rollback.stdout).toBe('v2.products: shadow → legacy (version 2, rollback of #1)\n');

      const history = JSON.parse((await cli(['routes', 'history', 'v2.products', '--json'], env)).stdout) as AuditEntry[];
      expect(history.map((e) => [e.version, e.action, e.actor])).toEqual([
        [2, 'rollback', 'admin-token'],
        [1, 'flip', 'carol'],
      ]);
      expect(history[1]?.via).toMatch(/^admin-api/);
    });

    it('reads the token from <STRANGLER_DATA_DIR>/admin-token when the environment has none', async () => {
      const dataDir = mkdtempSync(path.join(dir, 'dd-'));
      writeFileSync(path.join(dataDir, 'admin-token'), `${TOKEN}\n`);
      const r = await cli(['routes', 'explain', 'GET', '/api/v2/products/1', '--admin', url], { STRANGLER_DATA_DIR: dataDir });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('GET /api/v2/products/1 → v2.products');
      expect(r.stdout).toMatch(/^answer: +legacy \(monolith\) answers$/m);
    });

    it('a wrong token: one line, exit 1, the token not repeated', async () => {
      const r = await cli(['routes', 'list', '--admin', url], { STRANGLER_ADMIN_TOKEN: 'wrong-token-value' });
      expect(r.status).toBe(1);
      expectOneLine(r.stderr);
      expect(r.stderr).toContain('the bearer token is wrong');
      expect(r.stderr).not.toContain('wrong-token-value');
    });

    it('an invalid request refused by the API keeps exit 2 (bad path for explain)', async () => {
      const r = await cli(['routes', 'explain', 'GET', '/api/a%2Fb', '--admin', url], { STRANGLER_ADMIN_TOKEN: TOKEN });
      expect(r.status).toBe(2);
      expectOneLine(r.stderr);
    });
  });
});
