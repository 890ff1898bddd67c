import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type express from 'express';
import type { Knex } from 'knex';
import { movement } from '../../../acl';
import { createLegacyApp, migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { createCatalogApp, migrateCatalog, ProductPageSchema } from '../../../new-services/catalog/src/index';
import { openDatabase, silentLogger } from '../../../platform';
import { loadRouteTableFile } from '../../src/config/load';
import type { Logger } from '../../src/observability/logger';
import { aclMappings } from '../../src/translate/acl-adapter';
import { startGateway, type RunningGateway } from '../kit/gateway';

/**
 * The catalog's product pages drop the rows the ACL cannot translate (catalog/product-read has
 * `items: "drop"`), on the seed: page 1 answers 200 without product 13, says so in
 * x-strangler-dropped, counts it per mapping and field, and logs its key and reason; the single
 * read of product 13 is still a 502 naming the field. And the rows the gateway drops are the rows
 * backfill rejects, for the same reasons.
 */

const ROOT = path.resolve(__dirname, '../../..');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-dropped-'));
const servers: Server[] = [];
const dbs: Knex[] = [];
const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
const capture = (message: unknown, fields?: unknown): void => void lines.push({ message: String(message), fields: (fields ?? {}) as Record<string, unknown> });
const logger = { info: capture, warn: capture, error: capture, debug: capture } as unknown as Logger;
let gw: RunningGateway;
let legacyFile: string;
let catalogUrl: string;

async function serve(app: express.Application): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  legacyFile = path.join(dir, 'legacy.sqlite');
  const legacyDb = openDatabase(`sqlite:${legacyFile}`);
  const catalogDb = openDatabase('sqlite::memory:');
  dbs.push(legacyDb, catalogDb);
  await migrateLegacy(legacyDb);
  await seedLegacy(legacyDb);
  await migrateCatalog(catalogDb);
  const legacyUrl = await serve(createLegacyApp({ db: legacyDb, logger: quiet }));
  catalogUrl = await serve(createCatalogApp({ db: catalogDb, logger: silentLogger }));
  const table = loadRouteTableFile(path.join(ROOT, 'routes.json'), { upstreamUrls: { monolith: legacyUrl, catalog: catalogUrl, orders: 'http://127.0.0.1:9' }, mappings: aclMappings() });
  gw = await startGateway(table, logger);
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(dbs.map((db) => db.destroy()));
  rmSync(dir, { recursive: true, force: true });
});

const droppedLines = () => lines.filter((l) => l.message === 'translation dropped a list item').map((l) => l.fields);

describe('a translated product page on the seed', () => {
  it('answers page 1 with 200, product 13 left out, counted in x-strangler-dropped, the metric and the log', async () => {
    const res = await fetch(`${gw.url}/api/v2/products?page=1&size=50`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-strangler-dropped')).toBe('1');
    const page = ProductPageSchema.parse(await res.json());
    expect(page.items.map((p) => p.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1).filter((id) => id !== 13));
    // The page's other fields stay as legacy gave them: total still counts the row.
    expect([page.page, page.size, page.total]).toEqual([1, 50, 500]);
    expect(droppedLines()).toEqual([expect.objectContaining({ mapping: 'catalog/product-read', key: 13, paths: ['status'] })]);
    const metrics = await gw.metrics.registry.metrics();
    expect(metrics).toContain('strangler_acl_dropped_items_total{mapping="catalog/product-read",field="status"} 1');
  });

  it('a page with nothing to drop has no x-strangler-dropped', async () => {
    const res = await fetch(`${gw.url}/api/v2/products?page=2&size=50`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-strangler-dropped')).toBeNull();
  });

  it('still answers the single read of product 13 with a 502 naming the field', async () => {
    const res = await fetch(`${gw.url}/api/v2/products/13`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { mapping: string; errors: { path: string }[] };
    expect(body.mapping).toBe('catalog/product-read');
    expect(body.errors.map((e) => e.path)).toEqual(['status']);
  });

  it('drops exactly the rows backfill rejects, for the same reasons', async () => {
    lines.length = 0;
    for (let page = 1; page <= 10; page += 1) expect((await fetch(`${gw.url}/api/v2/products?page=${page}&size=50`)).status).toBe(200);
    const dropped = droppedLines().map((f) => ({ key: f['key'], code: 'AclOutputError', reason: f['reason'], paths: f['paths'] }));

    const result = await movement.backfill({ context: 'catalog', legacyUrl: `sqlite:${legacyFile}`, serviceUrl: catalogUrl, dataDir: dir });
    const rejected = readFileSync(result.rejectsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(rejected.length).toBeGreaterThan(0);
    expect(dropped).toEqual(rejected);
  }, 60_000);
});
