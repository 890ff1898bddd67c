import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadRouteTableFile } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';

/**
 * The walking skeleton on MySQL: the monolith as its own process on LEGACY_DATABASE_URL=mysql://…
 * (it migrates and seeds an empty database on start), the gateway in front of it with the shipped
 * routes.json, and every answer through the gateway byte-identical to the monolith's own.
 */

const ROOT = path.resolve(__dirname, '../../..');
let db: TestDatabase;
let monolith: ChildProcess;
let legacyUrl: string;
let gw: RunningGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  monolith = spawn(process.execPath, ['--import', 'tsx', 'legacy-monolith/src/main.ts', 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, LEGACY_DATABASE_URL: db.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  legacyUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: monolith.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { message?: string; url?: string };
      if (entry.message === 'legacy monolith listening' && entry.url) resolve(entry.url);
    });
    monolith.once('exit', (code) => reject(new Error(`monolith exited ${code}`)));
  });
  gw = await startGateway(loadRouteTableFile(path.join(ROOT, 'routes.json'), { upstreamUrls: { monolith: legacyUrl }, mappings: aclMappings() }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  if (monolith && monolith.exitCode === null) {
    const exited = new Promise((r) => monolith.once('exit', r));
    monolith.kill('SIGTERM');
    await exited;
  }
  await db?.drop();
});

async function both(pathAndQuery: string, init?: RequestInit): Promise<[Response, string, Response, string]> {
  const viaGateway = await fetch(gw.url + pathAndQuery, init);
  const direct = await fetch(legacyUrl + pathAndQuery, init);
  return [viaGateway, await viaGateway.text(), direct, await direct.text()];
}

describe('legacy monolith on MySQL behind the gateway', () => {
  it.each(['/api/products?size=5', '/api/products/2', '/api/products?page=3&size=7', '/api/customers/4', '/api/orders/9', '/api/inventory/1', '/api/reports/sales?top=5', '/api/nope'])(
    'GET %s through the gateway is byte-identical to the monolith',
    async (p) => {
      const [g, gBody, d, dBody] = await both(p);
      expect(g.status).toBe(d.status);
      expect(gBody).toBe(dBody);
      expect(g.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('serves the seeded products from MySQL through the products route', async () => {
    const res = await fetch(`${gw.url}/api/products?size=2`);
    const body = (await res.json()) as { TOTAL: number; ROWS: { PRD_ID: number; PRD_PRC: string }[] };
    expect(body.TOTAL).toBe(500);
    expect(body.ROWS.map((r) => r.PRD_ID)).toEqual([1, 2]);
    expect(typeof body.ROWS[0]?.PRD_PRC).toBe('string');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/strangler_requests_total\{route="products",upstream="monolith",mode="legacy",status="200"\} \d+/);
  });

  it('translates the MySQL-backed monolith into the Catalog contract exactly as on SQLite', async () => {
    const res = await fetch(`${gw.url}/api/v2/products/2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: 2,
      sku: 'SKU-000002',
      name: 'Steel Bolt 20mm',
      description: null,
      price: { amount: 27133, currency: 'EUR' },
      status: 'active',
      updatedAt: '2020-09-27T01:07:26Z',
    });
    const page = (await (await fetch(`${gw.url}/api/v2/products?page=3&size=50`)).json()) as { items: { price: { amount: number } }[]; total: number };
    expect(page.items).toHaveLength(50);
    expect(page.total).toBe(500);
    expect(page.items.every((p) => Number.isInteger(p.price.amount))).toBe(true);
  });

  it('creates an order through the gateway (a streamed POST body) and reads it back', async () => {
    const res = await fetch(`${gw.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CUST_ID: 1, LINES: [{ PRD_ID: 1, ORD_LN_QTY: 1 }] }),
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as { ORD_ID: number; LINES: unknown[] };
    expect(order.LINES).toHaveLength(1);
    const [g, gBody, , dBody] = await both(`/api/orders/${order.ORD_ID}`);
    expect(g.status).toBe(200);
    expect(gBody).toBe(dBody);
  });
});
