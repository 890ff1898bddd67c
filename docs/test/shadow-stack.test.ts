import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../platform';
import type { FieldReport, RouteShadowReport } from '../../gateway/src/shadow/types';
import { eventually } from '../../platform/test-kit/eventually';
import { startStack, type RunningStack } from './stack';

/**
 * Issue 6 in the running stack (`npm start`): v2.products in shadow, the catalog service holding the
 * backfilled products with one of them changed on purpose; after a burst of product and page reads
 * the report shows the match rate, the planted difference on exactly its fields, and the pages'
 * `generatedAt` (the ACL stamps the gateway's request time, the catalog the time it answered) as
 * noise, learned from a second legacy read of every request (routes.json: `noiseSample: 1`); the
 * flip gate refuses a canary with those numbers.
 *
 * The seed's one row the ACL refuses (product 13, status `Z`) is corrected in the monolith before
 * the backfill, as a team cleans its source before a flip: left dirty, every page's `total` would
 * differ (legacy counts a row the catalog never got; see gateway/test/translate/both-modes.test.ts).
 */

const ROOT = path.resolve(__dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-shadow-stack-'));
const PRODUCT_READS = 100; // products 1..10, ten reads each: product 5 is a tenth of them
const PAGE_READS = 50; // pages 1..5 of 20 products, ten reads each: page 1 holds product 5
const COMPARED = PRODUCT_READS + PAGE_READS;
/** Reads without a real difference (130): all but product 5's ten and page 1's ten. */
const MATCHES = COMPARED - PRODUCT_READS / 10 - PAGE_READS / 5;
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

/** The monolith's data fix for product 13: a status it knows, and a change stamp, as its own writes leave. */
async function cleanLegacyRow13(): Promise<void> {
  const db = openDatabase(`sqlite:${path.join(dataDir, 'legacy.sqlite')}`);
  try {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    expect(await db('PRD_MSTR').where({ PRD_ID: 13, PRD_STS: 'Z' }).update({ PRD_STS: 'A', PRD_UPD_TS: stamp })).toBe(1);
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  stack = await startStack(ROOT, dataDir);
  token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  await cleanLegacyRow13();
  const backfill = spawnSync(process.execPath, [path.join(ROOT, 'bin/strangler.js'), 'backfill', 'catalog'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CATALOG_URL: stack.catalogUrl, STRANGLER_DATA_DIR: dataDir },
  });
  expect(backfill.status).toBe(0); // every product is in, 13 included
}, 180_000);

afterAll(async () => {
  if (stack) await stack.interrupt();
}, 30_000);

describe('v2.products in shadow after a burst of product and page reads', () => {
  let report: RouteShadowReport | undefined;
  const field = (p: string): FieldReport | undefined => report?.fields.find((f) => f.path === p);

  beforeAll(async () => {
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
    // Both sides hold the same pages otherwise: the same total, the same products.
    const legacyPage = (await (await fetch(`${stack.gatewayUrl}/api/v2/products?page=3&size=20`)).json()) as { total: number };
    const catalogPage = (await (await fetch(`${stack.catalogUrl}/products?page=3&size=20`)).json()) as { total: number };
    expect([legacyPage.total, catalogPage.total]).toEqual([500, 500]);

    // Wait until the gateway serves the flip, then the burst.
    await eventually(async () => (await (await fetch(`${stack.gatewayUrl}/metrics`)).text()).includes('strangler_route_mode{route="v2.products",mode="shadow"} 1'));
    for (let i = 0; i < PRODUCT_READS; i++) expect((await fetch(`${stack.gatewayUrl}/api/v2/products/${(i % 10) + 1}`)).status).toBe(200);
    for (let i = 0; i < PAGE_READS; i++) expect((await fetch(`${stack.gatewayUrl}/api/v2/products?page=${(i % 5) + 1}&size=20`)).status).toBe(200);

    await eventually(async () => {
      report = ((await admin('GET', '/admin/shadow/report?route=v2.products')).json as RouteShadowReport[])[0];
      return (report?.compared ?? 0) >= COMPARED;
    });
  }, 120_000);

  it('compared every read, each also read twice from legacy, and counts as matches all but the planted ones', () => {
    expect(report).toMatchObject({ compared: COMPARED, noiseSampled: COMPARED, matches: MATCHES, newErrors: 0, newTimeouts: 0, compareErrors: 0 });
    expect(report?.matchRate).toBeCloseTo(MATCHES / COMPARED, 10);
  });

  it('names the planted difference on its fields: the product’s name, and the name of an item on page 1', () => {
    const real = report?.fields.filter((f) => f.real).map((f) => [f.path, f.kind, f.raw, f.noise]);
    expect(real).toEqual([
      ['items[*].name', 'changed', PAGE_READS / 5, 0],
      ['name', 'changed', PRODUCT_READS / 10, 0],
    ]);
  });

  it('classifies the pages’ generatedAt as noise: it differs legacy → legacy as often as legacy → new', () => {
    expect(report?.fields.filter((f) => !f.real).map((f) => [f.path, f.kind])).toEqual([['generatedAt', 'changed']]);
    const stamp = field('generatedAt');
    expect(stamp?.real).toBe(false);
    // Page reads only (a single product has no stamp); a read whose two stamps fell in the same
    // millisecond (the catalog can answer within the gateway's) has no difference to count.
    for (const count of [stamp?.raw, stamp?.noise]) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(PAGE_READS);
    }
    const sample = stamp?.samples[0];
    const stampOf = (body: unknown) => (body as { generatedAt: string }).generatedAt;
    expect(sample?.differences).toContainEqual({ path: 'generatedAt', kind: 'changed' });
    expect(stampOf(sample?.new.body)).not.toBe(stampOf(sample?.legacy.body));
  });

  it('the flip gate refuses a canary with those numbers', async () => {
    const refused = await admin('POST', '/admin/routes/v2.products/flip', { to: 'canary', percent: 10, reason: 'looks fine' });
    expect(refused.status).toBe(422);
    // 130 of 150: pages 2 to 5 count as matches; were generatedAt taken for real, it would be 90 of 150 (60.0%).
    expect((refused.json as { detail: string }).detail).toContain('match rate 86.7% is below 99.0%');
  });
});
