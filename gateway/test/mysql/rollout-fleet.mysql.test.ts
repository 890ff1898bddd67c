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
 * A rollout driven by a fleet: two real gateway processes on one MariaDB state store. One holds the
 * lease and drives; when it is killed (no clean stop, no lease handed over) the other takes the
 * lease once it runs out, and the rollout carries on from the store to mode new while traffic flows
 * through the survivor.
 */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const TOKEN = 'rollout-fleet-test-token';

interface Replica {
  readonly name: string;
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
      if (entry.message === 'gateway listening' && entry.url && entry.adminUrl) resolve({ name, url: entry.url, adminUrl: entry.adminUrl, process: child });
    });
    child.once('exit', (code) => reject(new Error(`replica ${name} exited ${code}: ${stderr}`)));
  });
}

async function admin(replica: Replica, method: string, pathname: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(replica.adminUrl + pathname, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface Status {
  rollout: { state: string; step: { index: number; route: { mode: string } }; lastAnalysis: { verdict: string } | null };
  lease: { holder: string } | null;
}
const status = async (r: Replica): Promise<Status> => (await admin(r, 'GET', '/admin/routes/items/rollout')).json as unknown as Status;

/** Requests from many keys, so both canary sides get their share. */
async function traffic(r: Replica, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${r.url}/items/${i % 7}`, { headers: { 'x-user': `user-${i}-${Date.now()}` } });
    await res.arrayBuffer();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  const answer = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: 1, name: 'same on both sides' }));
  };
  legacy = await startUpstream(answer);
  fresh = await startUpstream(answer);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-rollout-fleet-'));
  const routes = path.join(dir, 'routes.json');
  writeFileSync(
    routes,
    JSON.stringify({
      upstreams: { monolith: { url: legacy.url }, svc: { url: fresh.url } },
      routes: [
        {
          id: 'items',
          path: '/items/*',
          mode: 'legacy',
          legacy: { upstream: 'monolith' },
          new: { upstream: 'svc' },
          canary: { stickyBy: 'header', key: 'x-user' },
          shadow: { gate: { minCompared: 10, minMatchRate: 0.9, maxNewErrorRate: 0.05 } },
          rollout: { steps: [50, 100], interval: '2s', minRequests: 20, pauseAfterNoData: 1000 },
        },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
      ],
    }),
  );
  replicas.push(...(await Promise.all([startReplica(routes, path.join(dir, 'a'), 'a'), startReplica(routes, path.join(dir, 'b'), 'b')])));
}, 90_000);

afterAll(async () => {
  await Promise.all(
    replicas
      .filter((r) => r.process.exitCode === null && r.process.signalCode === null)
      .map((r) => {
        const exited = new Promise((res) => r.process.once('exit', res));
        r.process.kill('SIGTERM');
        return exited;
      }),
  );
  await legacy?.close();
  await fresh?.close();
  await db?.drop();
});

describe('a rollout driven by two gateway replicas on MariaDB', () => {
  it('the lease moves when its holder is killed, and the rollout goes on to new', async () => {
    const [a] = replicas as [Replica, Replica];
    const started = await admin(a, 'POST', '/admin/routes/items/rollout', { reason: 'fleet rollout' });
    expect(started.status).toBe(201);
    const holder = (await eventually(async () => (await status(a)).lease?.holder)) as string;
    const killed = replicas.find((r) => r.name === holder) as Replica;
    const survivor = replicas.find((r) => r.name !== holder) as Replica;

    const gone = new Promise((res) => killed.process.once('exit', res));
    killed.process.kill('SIGKILL');
    await gone;
    // The dead holder's lease runs out (10 s) and the survivor takes it.
    await eventually(async () => (await status(survivor)).lease?.holder === survivor.name, { timeoutMs: 30_000 });

    // Traffic through the survivor: shadow passes, then canary 50%, then new.
    await eventually(
      async () => {
        await traffic(survivor, 40);
        return (await status(survivor)).rollout.state === 'done';
      },
      { timeoutMs: 60_000 },
    );
    const end = await status(survivor);
    expect(end.rollout).toMatchObject({ state: 'done', step: { index: 2, route: { mode: 'new' } }, lastAnalysis: { verdict: 'pass' } });
    const history = (await admin(survivor, 'GET', '/admin/history?route=items')).json as unknown as { actor: string; via: string; to: { mode: string } }[];
    expect(history.map((e) => [e.actor, e.to.mode])).toEqual([
      ['rollout', 'new'],
      ['rollout', 'canary'],
      ['rollout', 'shadow'],
    ]);
    expect(history[0]!.via).toContain(`(${survivor.name})`);
    const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
    expect(metrics).toMatch(/^strangler_rollout_step\{route="items"\} 2$/m);
    expect(metrics).toMatch(/^strangler_rollout_state\{route="items",state="done"\} 1$/m);
  }, 120_000);
});
