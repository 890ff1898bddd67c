import { centsToDecimal, toCents } from './money';
import { legacyDate, legacyTimestamp } from './legacy-time';
import type { Rng } from './prng';
import { SEED_BASE_MS, type ProductRow } from './seed-catalog';

export interface OrderHeaderRow {
  ORD_ID: number; CUST_ID: number; ORD_DT: string; ORD_STS: string; ORD_TOT_AMT: string;
  ORD_SHP_TS: string | null; ORD_RMK: string | null; ORD_UPD_TS: string;
}
export interface OrderLineRow {
  ORD_ID: number; ORD_LN_NO: number; PRD_ID: number; ORD_LN_QTY: number;
  ORD_LN_PRC: string; ORD_LN_AMT: string; ORD_LN_UPD_TS: string;
}

const DAY_MS = 24 * 3600 * 1000;
const REMARKS = ['LEAVE AT BACK DOOR', 'phone before delivery', 'gift - no invoice', 'URGENT!!'];

function orderStatus(rng: Rng): string {
  const r = rng.next();
  return r < 0.15 ? 'N' : r < 0.4 ? 'P' : r < 0.9 ? 'S' : 'C';
}

/**
 * Historical orders with 1–5 lines each. Line prices are what the customer paid at the time
 * (sometimes discounted), so they do not always match today's PRD_PRC.
 */
export function buildOrders(
  count: number,
  customerCount: number,
  products: readonly ProductRow[],
  rng: Rng,
): { headers: OrderHeaderRow[]; lines: OrderLineRow[] } {
  const headers: OrderHeaderRow[] = [];
  const lines: OrderLineRow[] = [];
  for (let id = 1; id <= count; id++) {
    const placed = new Date(SEED_BASE_MS + rng.int(0, 3650) * DAY_MS + rng.int(0, 86399) * 1000);
    const updated = new Date(placed.getTime() + rng.int(0, 20) * DAY_MS + rng.int(0, 86399) * 1000);
    const drawn = orderStatus(rng);
    const stamp = legacyTimestamp(updated);
    // Order 9 is the abandoned basket every legacy shop has: a header with no lines.
    const lineCount = id === 9 ? 0 : rng.int(1, 5);
    const status = id === 9 ? 'N' : drawn;
    let total = 0;
    for (let no = 1; no <= lineCount; no++) {
      const product = rng.pick(products);
      const qty = rng.int(1, 10);
      const listed = toCents(product.PRD_PRC);
      const price = rng.chance(0.1) ? Math.round(listed * 0.9) : listed;
      total += qty * price;
      lines.push({
        ORD_ID: id, ORD_LN_NO: no, PRD_ID: product.PRD_ID, ORD_LN_QTY: qty,
        ORD_LN_PRC: centsToDecimal(price), ORD_LN_AMT: centsToDecimal(qty * price), ORD_LN_UPD_TS: stamp,
      });
    }
    headers.push({
      ORD_ID: id,
      CUST_ID: rng.int(1, customerCount),
      ORD_DT: legacyDate(placed),
      ORD_STS: status,
      ORD_TOT_AMT: centsToDecimal(total),
      ORD_SHP_TS: status === 'S' ? stamp : null,
      ORD_RMK: rng.chance(0.05) ? rng.pick(REMARKS) : null,
      ORD_UPD_TS: stamp,
    });
  }
  return { headers, lines };
}
