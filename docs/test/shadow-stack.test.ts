import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouteShadowReport } from '../../gateway/src/shadow/types';
import { startStack, type RunningStack } from './stack';

/**
 * Issue 6 in the running stack (`npm start`): v2.products in shadow, the catalog service holding the
 * backfilled products with one of them changed on purpose; after a burst of traffic the report shows
 * the match rate and the planted difference on exactly its field, and the flip gate refuses a canary
 * with those numbers.
 */

const ROOT = path.resolve(__dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-shadow-stack-'));
let stack: RunningStack;
let token: string;

async function admin(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(stack.adminUrl + pathname, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  stack = await startStack(ROOT, dataDir);
  token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const backfill = spawnSync(process.execPath, [path.join(ROOT, 'bin/strangler.js'), 'backfill', 'catalog'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CATALOG_URL: stack.catalogUrl, STRANGLER_DATA_DIR: dataDir },
  });
  expect(backfill.status).toBe(3); // product 13 is refused by the ACL, the rest is in
}, 180_000);

afterAll(async () => {
  if (stack) await stack.interrupt();
}, 30_000);

it('reports the match rate and a planted difference on its field, and the gate uses the numbers', async () => {
  expect((await admin('POST', '/admin/routes/v2.products/flip', { to: 'shadow', reason: 'compare' })).status).toBe(201);
  // The planted difference: product 5 renamed in the catalog only.
  const current = await fetch(`${stack.catalogUrl}/products/5`);
  const product = (await current.json()) as Record<string, unknown>;
  const put = await fetch(`${stack.catalogUrl}/products/5`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': current.headers.get('etag') ?? '*' },
    body: JSON.stringify({ ...product, name: `${String(product.name)} (new)` }),
  });
  expect(put.status).toBeLessThan(300);

  // Wait until the gateway serves the flip, then 100 reads over products 1..10: product 5 is a tenth of them.
  for (let i = 0; i < 100; i++) {
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    if (metrics.includes('strangler_route_mode{route="v2.products",mode="shadow"} 1')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 100; i++) expect((await fetch(`${stack.gatewayUrl}/api/v2/products/${(i % 10) + 1}`)).status).toBe(200);

  let report: RouteShadowReport | undefined;
  for (let i = 0; i < 60 && (report?.compared ?? 0) < 100; i++) {
    await new Promise((r) => setTimeout(r, 250));
    report = ((await admin('GET', '/admin/shadow/report?route=v2.products')).json as RouteShadowReport[])[0];
  }
  expect(report).toMatchObject({ compared: 100, matches: 90, matchRate: 0.9, newErrors: 0, newTimeouts: 0 });
  expect(report?.fields.map((f) => [f.path, f.kind, f.raw, f.real])).toEqual([['name', 'changed', 10, true]]);

  const refused = await admin('POST', '/admin/routes/v2.products/flip', { to: 'canary', percent: 10, reason: 'looks fine' });
  expect(refused.status).toBe(422);
  expect((refused.json as { detail: string }).detail).toContain('match rate 90.0% is below 99.0%');
}, 120_000);
