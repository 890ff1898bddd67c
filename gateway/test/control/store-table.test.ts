import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlError } from '../../src/control/errors';
import { startControlPlane, type ControlPlane } from '../../src/control/plane';
import { openStateStore } from '../../src/control/state-store';
import type { RouteTable } from '../../src/config/table';
import { silentLogger } from '../../src/observability/logger';
import { tableFor } from '../kit/gateway';

/** Issue 15, item 7: a state store records the route table it belongs to; a gateway for another table is refused at start. */

const UPSTREAM = { legacy: 'http://127.0.0.1:9' };
const route = (id: string, p: string) => ({ id, path: p, mode: 'legacy', legacy: { upstream: 'legacy' } });
const stackTable = tableFor(UPSTREAM, [route('products', '/api/products/*'), route('orders', '/api/orders/*'), route('reports', '/api/reports/*')]);
const otherTable = tableFor(UPSTREAM, [route('widgets', '/widgets/*'), route('gadgets', '/gadgets/*')]);
const editedTable = tableFor(UPSTREAM, [route('products', '/api/products/*'), route('orders', '/api/orders/*'), route('invoices', '/api/invoices/*')]);

describe('a state store belongs to one route table', () => {
  let dir: string;
  let stateUrl: string;
  const planes: ControlPlane[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-store-table-'));
    stateUrl = `sqlite:${path.join(dir, 'state.sqlite')}`;
  });
  afterEach(async () => {
    for (const p of planes.splice(0)) await p.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (table: RouteTable) => {
    const plane = await startControlPlane({ stateUrl, routesFile: path.join(dir, 'routes.json'), load: () => table, baseline: table, swap: () => undefined, logger: silentLogger(), replica: 'r', watch: false, admin: null });
    planes.push(plane);
    return plane;
  };

  it('refuses a gateway whose table is another one, naming the table the store belongs to', async () => {
    await start(stackTable);
    const second = start(otherTable);
    await expect(second).rejects.toBeInstanceOf(ControlError);
    await expect(second).rejects.toThrow(/belongs to another route table \(routes catch-all, orders, products, reports\).*--state or STRANGLER_STATE_URL/);
  });

  it('accepts the same table again, and the same table after routes.json was edited', async () => {
    await (await start(stackTable)).close();
    planes.length = 0;
    await (await start(stackTable)).close();
    planes.length = 0;
    await start(editedTable);
  });

  it('records the table on a store written before tables were recorded', async () => {
    const store = openStateStore(stateUrl);
    await store.migrate();
    await store.close();
    await start(stackTable);
    await expect(start(otherTable)).rejects.toThrow(/belongs to another route table/);
  });
});
