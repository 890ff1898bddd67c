import type { Product } from '../../../catalog/src/contract';
import type { CatalogClient } from '../catalog-client';
import type { CreateOrder } from '../contract';
import { HttpProblem } from './problems';

/**
 * Looks every distinct product up in the catalog, in parallel. Unknown products become one 422
 * naming each offending line; a catalog failure propagates (503) before anything is written.
 */
export async function lookUpProducts(catalog: CatalogClient, lines: CreateOrder['lines']): Promise<Map<number, Product>> {
  const ids = [...new Set(lines.map((l) => l.productId))];
  const found = await Promise.all(ids.map(async (id) => [id, await catalog.getProduct(id)] as const));
  const products = new Map<number, Product>();
  for (const [id, product] of found) if (product !== undefined) products.set(id, product);
  const unknown = lines.flatMap((l, index) => (products.has(l.productId) ? [] : [{ index, productId: l.productId }]));
  if (unknown.length > 0) {
    throw new HttpProblem(
      'unknown-product',
      unknown.map((u) => `line ${u.index + 1}: product ${u.productId} does not exist`).join('; '),
      unknown.map((u) => ({ path: `lines[${u.index}].productId`, message: `product ${u.productId} does not exist` })),
    );
  }
  return products;
}
