/**
 * Checkout (issue 20): orders per second through the gateway, placed by the monolith's one-
 * transaction checkout (v2.orders in mode legacy: the ACL translates the body, the monolith prices,
 * takes INV_BAL and writes the order) against the orders service's saga (mode new: price from the
 * catalog, pending order, a reservation per line in the inventory service, confirm, commit), side
 * by side in interleaved rounds on one gateway. Each request is a new order (its own
 * Idempotency-Key) of one unit of an active product with stock. No target: the saga makes four
 * service calls and five writes in three databases where the monolith makes one transaction.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { movement } from '../../acl';
import { freePort, REPO_ROOT, type Child, type ProcessGroup } from '../processes';
import { median } from '../stats';
import { withTempDir } from './gateway';
import type { Scenario } from './scenario';

const CONNECTIONS = 8;
const TARGETS = { legacy: '/legacy/orders', saga: '/saga/orders' } as const;
type Target = keyof typeof TARGETS;

async function startPart(group: ProcessGroup, name: string, entry: string, env: NodeJS.ProcessEnv): Promise<Child> {
  const port = await freePort();
  return group.start({ name, args: ['--import', 'tsx', entry, 'serve', '--port', String(port)], readiness: { kind: 'health', port, path: '/health' }, env, readyTimeoutMs: 90_000 });
}

/** Two routes on one gateway: the shipped v2.orders legacy side (ACL both ways), and the orders service. */
function routeTable(monolith: string, orders: string): object {
  return {
    upstreams: { monolith: { url: monolith, timeoutMs: 15_000 }, orders: { url: orders, timeoutMs: 15_000 } },
    routes: [
      {
        id: 'bench.legacy-checkout', path: `${TARGETS.legacy}/*`, methods: ['POST'], mode: 'legacy',
        legacy: { upstream: 'monolith', rewrite: '/api/orders/*', translate: { request: 'orders/create-to-legacy', response: 'orders/order-read' } },
      },
      { id: 'bench.saga-checkout', path: `${TARGETS.saga}/*`, methods: ['POST'], mode: 'new', new: { upstream: 'orders', rewrite: '/orders/*' } },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'monolith' } },
    ],
  };
}

/** Active products with stock in inventory: what both checkouts can sell. */
async function sellable(catalog: string, inventory: string): Promise<number[]> {
  const products = (await (await fetch(`${catalog}/products?size=500`)).json()) as { items: Array<{ id: number; status: string }> };
  const stock = (await (await fetch(`${inventory}/inventory?size=500`)).json()) as { items: Array<{ productId: number; available: number }> };
  const available = new Map(stock.items.map((s) => [s.productId, s.available]));
  return products.items.filter((p) => p.status === 'active' && (available.get(p.id) ?? 0) > 20).map((p) => p.id);
}

interface Run {
  ordersPerSec: number;
  p50Ms: number;
  p99Ms: number;
  refused: number;
  errors: number;
}

function load(url: string, products: readonly number[], durationSec: number, prefix: string): Promise<Run> {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: durationSec,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              n += 1;
              const productId = products[n % products.length] as number;
              return {
                ...req,
                headers: { ...req.headers, 'content-type': 'application/json', 'idempotency-key': `${prefix}-${n}` },
                body: JSON.stringify({ customerId: 1, lines: [{ productId, quantity: 1 }] }),
              };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({ ordersPerSec: result['2xx'] / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99, refused: result.non2xx, errors: result.errors + result.timeouts });
      },
    );
  });
}

export const checkoutScenario: Scenario = ({ args, group, progress }) =>
  withTempDir(async (dir) => {
    progress.phase('starting the monolith, catalog, inventory and orders');
    const legacyUrl = `sqlite:${join(dir, 'legacy.sqlite')}`;
    const legacy = await startPart(group, 'legacy', 'legacy-monolith/src/main.ts', { LEGACY_DATABASE_URL: legacyUrl, STRANGLER_DATA_DIR: dir });
    const catalog = await startPart(group, 'catalog', 'new-services/catalog/src/main.ts', { CATALOG_DATABASE_URL: `sqlite:${join(dir, 'catalog.sqlite')}` });
    const inventory = await startPart(group, 'inventory', 'new-services/inventory/src/main.ts', { INVENTORY_DATABASE_URL: `sqlite:${join(dir, 'inventory.sqlite')}` });
    const orders = await startPart(group, 'orders', 'new-services/orders/src/main.ts', {
      ORDERS_DATABASE_URL: `sqlite:${join(dir, 'orders.sqlite')}`, ORDERS_CATALOG_URL: catalog.url, ORDERS_INVENTORY_URL: inventory.url,
    });
    progress.phase('backfilling catalog and inventory from the monolith');
    for (const [context, serviceUrl] of [['catalog', catalog.url], ['inventory', inventory.url]] as const) {
      await movement.backfill({ context, legacyUrl, serviceUrl, dataDir: dir });
    }
    const routes = join(dir, 'checkout-routes.json');
    await writeFile(routes, JSON.stringify(routeTable(legacy.url, orders.url)));
    const port = await freePort();
    const gateway = await group.start({
      name: 'gateway (checkout)',
      args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, 'checkout-state.sqlite')}`],
      readiness: { kind: 'health', port, path: '/readyz' },
      readyTimeoutMs: 60_000,
    });
    const products = await sellable(catalog.url, inventory.url);
    if (products.length === 0) throw new Error('no product is both active and in stock');

    const runs: Record<Target, Run[]> = { legacy: [], saga: [] };
    for (let round = 1; round <= args.rounds; round += 1) {
      for (const target of ['legacy', 'saga'] as const) {
        progress.phase(`round ${round}/${args.rounds}: ${target} checkout`);
        runs[target].push(await load(gateway.url + TARGETS[target], products, args.durationSec, `${target}-${round}`));
      }
    }
    const summary = (t: Target) => ({
      ordersPerSec: median(runs[t].map((r) => r.ordersPerSec)),
      p50Ms: median(runs[t].map((r) => r.p50Ms)),
      p99Ms: median(runs[t].map((r) => r.p99Ms)),
      refused: runs[t].reduce((s, r) => s + r.refused, 0),
      errors: runs[t].reduce((s, r) => s + r.errors, 0),
    });
    const legacySummary = summary('legacy');
    const sagaSummary = summary('saga');
    const ratio = legacySummary.ordersPerSec > 0 ? sagaSummary.ordersPerSec / legacySummary.ordersPerSec : 0;
    const row = (name: string, s: ReturnType<typeof summary>) =>
      `${name.padEnd(16)} ${s.ordersPerSec.toFixed(1).padStart(10)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ${String(s.refused).padStart(8)} ${String(s.errors).padStart(7)}`;
    const human = [
      `checkout through the gateway, ${CONNECTIONS} connections, ${args.rounds} rounds of ${args.durationSec}s (median)`,
      `${'target'.padEnd(16)} ${'orders/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`,
      row('legacy checkout', legacySummary),
      row('saga checkout', sagaSummary),
      `saga_vs_legacy_checkout ${ratio.toFixed(2)}`,
    ].join('\n');
    const failures = [
      ...(legacySummary.errors + sagaSummary.errors > 0 ? [`${legacySummary.errors + sagaSummary.errors} connection errors or timeouts`] : []),
      ...(legacySummary.ordersPerSec === 0 || sagaSummary.ordersPerSec === 0 ? ['a checkout placed no order'] : []),
    ];
    return {
      human,
      json: {
        checkout_legacy_orders_per_s: legacySummary.ordersPerSec,
        checkout_saga_orders_per_s: sagaSummary.ordersPerSec,
        checkout_legacy_p99_ms: legacySummary.p99Ms,
        checkout_saga_p99_ms: sagaSummary.p99Ms,
        saga_vs_legacy_checkout: ratio,
      },
      failures,
    };
  });
