/**
 * A deterministic page of clean legacy product rows (PRD_MSTR), shaped like the monolith's
 * `GET /api/products` answer. Every row is one the catalog mapping accepts: the ACL phase measures
 * translation, so a single unclean row (which makes the gateway answer 502) would void it.
 */

/** The largest page the bench upstream serves; the large-page measurement uses it. */
export const LEGACY_PAGE_MAX = 5000;

/** One legacy row as the monolith serialises it. */
export interface LegacyProductRow {
  PRD_ID: number;
  PRD_SKU: string;
  PRD_NM: string;
  PRD_DSC: string | null;
  PRD_CAT_CD: string | null;
  PRD_PRC: string;
  PRD_STS: 'A' | 'D' | 'H';
  PRD_UPD_TS: string;
  PRD_FLG_X: string | null;
}

export interface LegacyProductPage {
  PAGE: number;
  SIZE: number;
  TOTAL: number;
  ROWS: LegacyProductRow[];
}

const WOODS = ['Walnut', 'Steel', 'Oak', 'Brass', 'Maple', 'Copper', 'Birch', 'Zinc'];
const THINGS = ['Hook', 'Bolt', 'Bracket', 'Hinge', 'Shelf', 'Handle', 'Clamp'];
const SUFFIXES = ['Pack of 10', '20mm', '75mm', 'Large', 'Small', 'Set of 4'];
const CATEGORIES = [null, 'HW', 'KIT', 'TL'];
const STATUSES = ['A', 'A', 'A', 'D', 'H'] as const;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A small LCG, so that prices and dates look varied yet every run serves the same bytes. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

export function legacyProductRow(id: number): LegacyProductRow {
  const next = lcg(id * 2654435761);
  const name = `${WOODS[next() % WOODS.length]} ${THINGS[next() % THINGS.length]} ${SUFFIXES[next() % SUFFIXES.length]}`;
  // Day at most 28, so that no generated date depends on the month's length.
  const ts = `${2010 + (next() % 14)}${pad(1 + (next() % 12), 2)}${pad(1 + (next() % 28), 2)}` +
    `${pad(next() % 24, 2)}${pad(next() % 60, 2)}${pad(next() % 60, 2)}`;
  return {
    PRD_ID: id,
    PRD_SKU: `SKU-${pad(id, 6)}`,
    PRD_NM: name,
    PRD_DSC: id % 3 === 0 ? null : `${name} for trade and home use`,
    PRD_CAT_CD: CATEGORIES[next() % CATEGORIES.length] ?? null,
    PRD_PRC: `${1 + (next() % 999)}.${pad(next() % 100, 2)}`,
    PRD_STS: STATUSES[next() % STATUSES.length] ?? 'A',
    PRD_UPD_TS: ts,
    PRD_FLG_X: id % 7 === 0 ? 'Y' : null,
  };
}

/** Page 1 of `size` rows out of LEGACY_PAGE_MAX products; throws on a size outside 1..LEGACY_PAGE_MAX. */
export function legacyProductPage(size: number, rows: readonly LegacyProductRow[] = allRows()): LegacyProductPage {
  if (!Number.isInteger(size) || size < 1 || size > LEGACY_PAGE_MAX) {
    throw new RangeError(`page size must be an integer from 1 to ${LEGACY_PAGE_MAX}, got ${size}`);
  }
  return { PAGE: 1, SIZE: size, TOTAL: LEGACY_PAGE_MAX, ROWS: rows.slice(0, size) };
}

/** Every row the upstream can serve, generated once by whoever serves pages. */
export function allRows(): LegacyProductRow[] {
  return Array.from({ length: LEGACY_PAGE_MAX }, (_, i) => legacyProductRow(i + 1));
}
