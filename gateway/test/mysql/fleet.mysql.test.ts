import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { eventually } from '../../../platform/test-kit/eventually';
import { startUpstream, type TestUpstream } from '../kit/upstream';

/**
 * A fleet: two gateway processes sharing one MariaDB state store. A flip made through either
 * one's admin API reaches the other without a restart; a rollback too; and the traffic both
 * replicas saw adds up in one report.
 */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const TOKEN = 'fleet-test-token';

interface Replica {
  readonly url: string;
  readonly adminUrl: string;
  readonly process: ChildProcess;
}

let db: TestDatabase;
let legacy: TestUpstream;
let fresh: TestUpstream;
const replicas: Replica[] = [];

function startReplica(routes: string, dataDir: string, name: string): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'gateway', '--routes', routes, '--port', '0', '--admin-port', '0', '--state', db.url, '--replica', name], {
    cwd: ROOT,
    env: { ...process.env, STRANGLER_ADMIN_TOKEN: TOKEN, STRANGLER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { message?: string; url?: string; adminUrl?: string };
      if (entry.message === 'gateway listening' && entry.url && entry.adminUrl) resolve({ url: entry.url, adminUrl: entry.adminUrl, process: child });
    });
    child.once('exit', (code) => reject(new Error(`replica ${name} exited ${code}: ${stderr}`)));
  });
}

async function side(replica: Replica, key: string): Promise<string> {
  const res = await fetch(`${replica.url}/items/1`, { headers: { 'x-user': key } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { side: string }).side;
}

async function admin(replica: Replica, method: string, pathname: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(replica.adminUrl + pathname, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Resolves once every replica answers from the expected side; returns how long that took (reported, never asserted). */
async function converge(expected: string, key = 'someone'): Promise<number> {
  const started = Date.now();
  await eventually(async () => (await Promise.all(replicas.map((r) => side(r, key)))).every((s) => s === expected));
  return Date.now() - started;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const answer = (name: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ side: name }));
  };
  legacy = await startUpstream(answer('legacy'));
  fresh = await startUpstream(answer('new'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-fleet-'));
  const routes = path.join(dir, 'routes.json');
  writeFileSync(
    routes,
    JSON.stringify({
      upstreams: { monolith: { url: legacy.url }, svc: { url: fresh.url } },
      routes: [
        { id: 'items', path: '/items/*', mode: 'legacy', legacy: { upstream: 'monolith' }, new: { upstream: 'svc' }, canary: { stickyBy: 'header', key: 'x-user' } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
      ],
    }),
  );
  // Both start at once: the store's tables are created by whichever gets there first.
  replicas.push(...(await Promise.all([startReplica(routes, path.join(dir, 'a'), 'a'), startReplica(routes, path.join(dir, 'b'), 'b')])));
}, 90_000);

afterAll(async () => {
  await Promise.all(
    replicas.map((r) => {
      const exited = new Promise((res) => r.process.once('exit', res));
      r.process.kill('SIGTERM');
      return exited;
    }),
  );
  await legacy?.close();
  await fresh?.close();
  await db?.drop();
});

describe('two gateway replicas on one MariaDB state store', () => {
  it('a flip through replica A reaches replica B, and one through B reaches A', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await converge('legacy');
    expect((await admin(a, 'POST', '/admin/routes/items/flip', { to: 'new', force: true, reason: 'fleet test' })).status).toBe(201);
    const took = await converge('new');
    process.stderr.write(`fleet: a flip through A was served by both replicas after ${took} ms\n`);
    expect((await admin(b, 'POST', '/admin/routes/items/rollback', { reason: 'back' })).status).toBe(201);
    await converge('legacy');
  });

  it('a canary at 25% is sticky on both replicas: each key gets the same side from either', async () => {
    const [a, b] = replicas as [Replica, Replica];
    expect((await admin(b, 'POST', '/admin/routes/items/flip', { to: 'shadow', reason: 'look first' })).status).toBe(201);
    // The gate: shadow has compared nothing yet, so the canary needs --force.
    const refused = await admin(a, 'POST', '/admin/routes/items/flip', { to: 'canary', percent: 25, reason: 'a quarter' });
    expect([refused.status, refused.json.detail]).toEqual([422, expect.stringContaining('the gate needs at least 100')]);
    expect((await admin(a, 'POST', '/admin/routes/items/flip', { to: 'canary', percent: 25, reason: 'a quarter', force: true })).status).toBe(201);
    const version = (await admin(a, 'GET', '/admin/routes')).json.version as number;
    for (const r of replicas) {
      await eventually(async () => Number(((await (await fetch(`${r.url}/metrics`)).text()).match(/^strangler_route_state_version (\d+)/m) ?? [])[1]) === version);
    }
    let toNew = 0;
    for (let i = 0; i < 200; i++) {
      const key = `user-${i}`;
      const [sa, sb, sa2] = [await side(a, key), await side(b, key), await side(a, key)];
      expect(sb).toBe(sa);
      expect(sa2).toBe(sa);
      if (sa === 'new') toNew++;
    }
    expect(toNew).toBeGreaterThan(20);
    expect(toNew).toBeLessThan(80);
  });

  it('history is one log for the fleet, and a stale If-Match is refused', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const history = (await admin(b, 'GET', '/admin/history?route=items')).json as unknown as { action: string; to: { mode: string } }[];
    expect(history.map((h) => `${h.action}:${h.to.mode}`)).toEqual(['flip:canary', 'flip:shadow', 'rollback:legacy', 'flip:new']);
    const res = await fetch(`${a.adminUrl}/admin/routes/items/flip`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ to: 'new', reason: 'stale' }),
    });
    expect(res.status).toBe(409);
  });
});
