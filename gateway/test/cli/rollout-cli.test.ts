import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadRouteTableFile } from '../../src/config/load';
import { createAdminServer } from '../../src/control/admin-api';
import { ControlService } from '../../src/control/control';
import { openRolloutParts } from '../../src/control/rollout/evidence';
import { RolloutStatusSchema } from '../../src/control/rollout/types';
import { KnexStateStore } from '../../src/control/state-store';
import { openStateDb } from '../../src/control/store-db';
import { silentLogger } from '../../src/observability/logger';
import { ShadowStore } from '../../src/shadow/results-store';
import { aclMappings } from '../../src/translate/acl-adapter';

/** `strangler routes rollout …` through the admin API and on the store, and the API's own answers. */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const TOKEN = 'rollout-cli-test-token-0123456789';
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-rollout-cli-'));
const routesFile = path.join(dir, 'routes.json');
const storeUrl = `sqlite:${path.join(dir, 'state.sqlite')}`;

writeFileSync(
  routesFile,
  JSON.stringify({
    upstreams: { legacy: { url: 'http://127.0.0.1:1' }, fresh: { url: 'http://127.0.0.1:2' } },
    routes: [
      { id: 'products', path: '/api/products/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' }, rollout: { steps: [25, 100], interval: '30s' } },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
    ],
  }),
);

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const key of ['STRANGLER_ADMIN_TOKEN', 'STRANGLER_ADMIN_URL', 'STRANGLER_ROUTES', 'STRANGLER_DATA_DIR']) delete base[key];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, STRANGLER_DATA_DIR: path.join(dir, 'data'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

let server: http.Server;
let adminUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const table = loadRouteTableFile(routesFile, { mappings: aclMappings() });
  const db = openStateDb(storeUrl);
  const store = new KnexStateStore(db);
  const shadow = new ShadowStore(db);
  await store.migrate();
  await shadow.migrate();
  const control = new ControlService({ store, baseline: () => table, shadow, rollouts: await openRolloutParts(db, shadow) });
  server = createAdminServer({ control, rollouts: control, token: TOKEN, logger: silentLogger() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  adminUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  close = async () => {
    await new Promise((r) => server.close(r));
    await db.destroy();
  };
});
afterAll(() => close());

const api = { STRANGLER_ADMIN_URL: '', STRANGLER_ADMIN_TOKEN: TOKEN };

describe('routes rollout', () => {
  it('start, status, pause, resume and abort through the admin API, in text and JSON', async () => {
    const env = { ...api, STRANGLER_ADMIN_URL: adminUrl };
    const started = await cli(['routes', 'rollout', 'start', 'products', '--steps', '50,100', '--interval', '3s', '--min-requests', '5', '--reason', 'first try', '--actor', 'alice'], env);
    expect([started.status, started.stderr]).toEqual([0, '']);
    expect(started.stdout).toContain('products: rollout #1 running');
    expect(started.stdout).toContain('  step:     0 of 2 (shadow)');
    expect(started.stdout).toContain('  plan:     steps 50, 100 every 3s, 5 requests a step; pauses after 10 analyses without a decision');
    expect(started.stdout).toMatch(/ {2}next: {5}analysis at \S+ \(in [0-3]s\)/);
    expect(started.stdout).toContain('  last analysis: none yet');

    const json = await cli(['routes', 'rollout', 'status', 'products', '--json'], env);
    const status = RolloutStatusSchema.parse(JSON.parse(json.stdout));
    expect(status.rollout).toMatchObject({ state: 'running', actor: 'alice', reason: 'first try', step: { route: { mode: 'shadow' } }, plan: { steps: [50, 100], intervalMs: 3000, minRequests: 5 } });

    const again = await cli(['routes', 'rollout', 'start', 'products'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('strangler: route "products" already has a rollout under way: see `strangler routes rollout status products`\n');

    expect((await cli(['routes', 'rollout', 'pause', 'products', '--reason', 'lunch', '--actor', 'bob'], env)).stdout).toContain('  note:     paused by bob: lunch');
    expect((await cli(['routes', 'rollout', 'resume', 'products'], env)).stdout).toContain('rollout #1 running');
    const list = await cli(['routes', 'rollout', 'list'], env);
    expect(list.stdout).toMatch(/^ROUTE +ROLLOUT +STATE +STEP +MODE +LAST VERDICT +NEXT ANALYSIS\nproducts +#1 +running +0\/2 +shadow +- +\S+\n/);
    expect((await cli(['routes', 'rollout', 'abort', 'products', '--reason', 'enough'], env)).stdout).toContain('rollout #1 aborted');
    const history = await cli(['routes', 'history', 'products', '--json'], env);
    expect(JSON.parse(history.stdout)).toEqual([expect.objectContaining({ actor: 'rollout', reason: 'rollout #1 started by alice: legacy → shadow, the comparison runs first (first try)' })]);
    // Nine CLI processes, each a few seconds to start on a loaded machine.
  }, 120_000);

  it('on the store directly, with the plan from routes.json', async () => {
    const started = await cli(['routes', 'rollout', 'start', 'products', '--store', storeUrl, '--routes', routesFile, '--json']);
    expect([started.status, started.stderr]).toEqual([0, '']);
    expect(JSON.parse(started.stdout).rollout.plan).toMatchObject({ steps: [25, 100], intervalMs: 30_000, minRequests: 100 });
    const flip = await cli(['routes', 'flip', 'products', '--to', 'legacy', '--reason', 'by hand', '--store', storeUrl, '--routes', routesFile]);
    const id = JSON.parse(started.stdout).rollout.id;
    expect(flip.stdout).toMatch(new RegExp(`^rollout #${id} of products aborted first: a change by hand takes the route out of its hands\nproducts: shadow → legacy \\(version \\d+\\)\n$`));
  });

  it('refuses bad flags as usage errors (exit 2) before anything is opened', async () => {
    const steps = await cli(['routes', 'rollout', 'start', 'products', '--steps', '50,20', '--store', storeUrl]);
    expect([steps.status, steps.stderr]).toEqual([2, 'strangler: --steps 50,20: steps must rise: 20 follows 50\n']);
    const interval = await cli(['routes', 'rollout', 'start', 'products', '--interval', 'soon', '--store', storeUrl]);
    expect([interval.status, interval.stderr]).toEqual([2, 'strangler: --interval "soon" is not a duration of at least 1s (e.g. 3s, 30s, 5m)\n']);
  });
});

describe('the rollout admin API', () => {
  const auth = `Bearer ${TOKEN}`;
  it('answers every route\'s newest rollout as JSON, and refuses what it does not know', async () => {
    const list = await request(server).get('/admin/rollouts').set('Authorization', auth).expect(200);
    expect(list.body.rollouts.map((r: { routeId: string }) => r.routeId)).toEqual(['products']);
    await request(server).post('/admin/routes/products/rollout/explode').set('Authorization', auth).set('content-type', 'application/json').send({}).expect(404);
    const bad = await request(server).post('/admin/routes/products/rollout').set('Authorization', auth).set('content-type', 'application/json').send({ interval: 'x', mystery: 1 }).expect(400);
    expect(bad.body.detail).toMatch(/^rollout start refused: /);
    await request(server).get('/admin/routes/nope/rollout').set('Authorization', auth).expect(404);
    await request(server).post('/admin/rollouts').set('Authorization', auth).expect(405);
  });

  it('pause, resume and abort take an empty body without a Content-Type; a body that is not JSON is still refused', async () => {
    const started = await request(server).post('/admin/routes/products/rollout').set('Authorization', auth).set('content-type', 'application/json').send({ reason: 'empty bodies' }).expect(201);
    expect(started.body.rollout.state).toBe('running');
    const paused = await request(server).post('/admin/routes/products/rollout/pause').set('Authorization', auth);
    expect([paused.status, paused.body.rollout?.state]).toEqual([200, 'paused']);
    const resumed = await request(server).post('/admin/routes/products/rollout/resume').set('Authorization', auth).set({ 'content-type': 'text/plain', 'content-length': '0' });
    expect([resumed.status, resumed.body.rollout?.state]).toEqual([200, 'running']);
    const form = await request(server).post('/admin/routes/products/rollout/abort').set('Authorization', auth).type('form').send('reason=x');
    expect([form.status, form.body.type]).toEqual([415, 'urn:strangler:problem:unsupported-media-type']);
    const text = await request(server).post('/admin/routes/products/rollout/abort').set('Authorization', auth).set('content-type', 'text/plain').send('stop');
    expect(text.status).toBe(415);
    const aborted = await request(server).post('/admin/routes/products/rollout/abort').set('Authorization', auth).set('content-type', 'application/json').send({ reason: 'done testing' }).expect(200);
    expect(aborted.body.rollout).toMatchObject({ state: 'aborted', note: 'aborted by admin-token: done testing; the route stays in shadow' });
  });
});
