import { centsToDecimal } from './money';
import { legacyDate, legacyTimestamp } from './legacy-time';
import type { Rng } from './prng';

export interface ProductRow {
  PRD_ID: number; PRD_SKU: string; PRD_NM: string; PRD_DSC: string | null; PRD_CAT_CD: string | null;
  PRD_PRC: string; PRD_STS: string; PRD_UPD_TS: string; PRD_FLG_X: string | null;
}
export interface CustomerRow {
  CUST_ID: number; CUST_NO: string; CUST_FRST_NM: string; CUST_LST_NM: string; CUST_EMAIL: string | null;
  CUST_PHN: string | null; CUST_STS: string; CUST_CRT_DT: string; CUST_UPD_TS: string;
}
export interface InventoryRow {
  PRD_ID: number; INV_LOC_CD: string; INV_QTY_OH: number; INV_QTY_RSV: number;
  INV_REORD_LVL: number | null; INV_UPD_TS: string;
}

const ADJ = ['Brass', 'Steel', 'Oak', 'Copper', 'Nylon', 'Galvanised', 'Walnut', 'Chrome', 'Rubber', 'Ceramic'];
const NOUN = ['Hinge', 'Bracket', 'Hook', 'Shelf', 'Clamp', 'Handle', 'Latch', 'Bolt', 'Tray', 'Lamp', 'Valve'];
const SIZE = ['20mm', '40mm', '75mm', 'Small', 'Large', 'XL', 'Pack of 10', '1m'];
const CAT = ['HW', 'GRD', 'KIT', 'TOOL', 'LGT'];
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam'];
const LAST = ['Smith', 'Okafor', 'Novak', 'Garcia', 'Muller', 'Rossi', 'Tanaka', 'Dubois', 'Kowalski', 'Byrne'];

/** Everything happened after the shop went live, so seeded data never depends on the wall clock. */
export const SEED_BASE_MS = Date.UTC(2011, 2, 14, 9, 0, 0);
const TEN_YEARS_S = 10 * 365 * 24 * 3600;

export function seedTimestamp(rng: Rng): string {
  return legacyTimestamp(new Date(SEED_BASE_MS + rng.int(0, TEN_YEARS_S) * 1000));
}

function productStatus(id: number, rng: Rng): string {
  // The dirt every real catalogue has: a status nobody documented and one typed in lower case.
  if (id === 13) return 'Z';
  if (id === 42) return 'a';
  const r = rng.next();
  return r < 0.85 ? 'A' : r < 0.95 ? 'D' : 'H';
}

function productName(id: number, rng: Rng): string {
  if (id === 11) return 'Crème Brûlée Torch';
  const name = `${rng.pick(ADJ)} ${rng.pick(NOUN)} ${rng.pick(SIZE)}`;
  // Trailing blanks from the old green-screen entry form, never trimmed.
  return id === 5 || rng.chance(0.01) ? `${name}  ` : name;
}

export function buildProducts(count: number, rng: Rng): ProductRow[] {
  const rows: ProductRow[] = [];
  for (let id = 1; id <= count; id++) {
    const name = productName(id, rng);
    rows.push({
      PRD_ID: id,
      PRD_SKU: `SKU-${String(id).padStart(6, '0')}`,
      PRD_NM: name,
      PRD_DSC: id === 2 || rng.chance(0.12) ? null : `${name.trim()} for trade and home use`,
      PRD_CAT_CD: rng.chance(0.05) ? null : rng.pick(CAT),
      PRD_PRC: centsToDecimal(rng.int(99, 49999)),
      PRD_STS: productStatus(id, rng),
      PRD_UPD_TS: seedTimestamp(rng),
      PRD_FLG_X: id === 3 || id % 97 === 0 ? 'Y' : null,
    });
  }
  return rows;
}

export function buildCustomers(count: number, rng: Rng): CustomerRow[] {
  const rows: CustomerRow[] = [];
  for (let id = 1; id <= count; id++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const created = new Date(SEED_BASE_MS + rng.int(0, TEN_YEARS_S) * 1000);
    rows.push({
      CUST_ID: id,
      CUST_NO: `C${String(id).padStart(7, '0')}`,
      CUST_FRST_NM: first,
      CUST_LST_NM: id === 4 ? `${last} ` : last,
      CUST_EMAIL: rng.chance(0.8) ? `${first}.${last}${id}@example.com`.toLowerCase() : null,
      CUST_PHN: rng.chance(0.7) ? `+44 20 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}` : null,
      CUST_STS: rng.chance(0.92) ? 'A' : 'I',
      CUST_CRT_DT: legacyDate(created),
      CUST_UPD_TS: seedTimestamp(rng),
    });
  }
  return rows;
}

export function buildInventory(productCount: number, rng: Rng): InventoryRow[] {
  const rows: InventoryRow[] = [];
  for (let id = 1; id <= productCount; id++) {
    const onHand = rng.chance(0.1) ? 0 : rng.int(1, 500);
    rows.push({
      PRD_ID: id,
      INV_LOC_CD: 'WH1',
      INV_QTY_OH: onHand,
      INV_QTY_RSV: rng.int(0, Math.min(onHand, 20)),
      INV_REORD_LVL: rng.chance(0.2) ? null : rng.int(10, 50),
      INV_UPD_TS: seedTimestamp(rng),
    });
  }
  return rows;
}
