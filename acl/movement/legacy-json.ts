/**
 * Turns raw legacy rows into the monolith's legacy JSON, byte for byte, without importing the
 * monolith: the ACL mappings were written (and their fixtures captured) against that JSON, so the
 * backfill must feed them exactly what the monolith's HTTP API would have served.
 */

/** A row as a driver hands it back (mysql2: DECIMAL as string; better-sqlite3: number). */
export type DbRow = Record<string, unknown>;
export type LegacyValue = string | number | null;
export type LegacyJson = Record<string, LegacyValue>;
/** An order header with its `LINES`, the shape of the monolith's `GET /api/orders/:id`. */
export type LegacyOrderJson = Record<string, LegacyValue | LegacyJson[]>;

type Kind = 'int' | 'int?' | 'str' | 'str?' | 'money';

/** Thrown when a stored row cannot be serialised at all (a NULL in a NOT NULL column); the monolith answers 500 there. */
export class LegacyRowError extends Error {
  readonly code = 'LEGACY_ROW';
}

function toInt(value: unknown, column: string): number {
  const n = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new LegacyRowError(`${column} is not an integer`);
  return n;
}

/** DECIMAL(12,2) in integer cents, then back to "12.50": the same rounding the monolith applies, so both drivers agree. */
function toMoney(value: unknown, column: string): string {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new LegacyRowError(`${column} is not a money value`);
  const cents = Math.round(n * 100);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function convert(kind: Kind, value: unknown, column: string): LegacyValue {
  if (value === null || value === undefined) {
    if (kind === 'int?' || kind === 'str?') return null;
    throw new LegacyRowError(`${column} is unexpectedly null`);
  }
  if (kind === 'money') return toMoney(value, column);
  if (kind === 'int' || kind === 'int?') return toInt(value, column);
  return String(value);
}

/** Columns in the order the monolith writes its JSON keys (key order matters for byte equality). */
export interface RowShape {
  readonly columns: readonly string[];
  serialize(row: DbRow): LegacyJson;
}

function shape(spec: Readonly<Record<string, Kind>>): RowShape {
  const entries = Object.entries(spec);
  return {
    columns: entries.map(([column]) => column),
    serialize(row) {
      const out: LegacyJson = {};
      for (const [column, kind] of entries) out[column] = convert(kind, row[column], column);
      return out;
    },
  };
}

export const legacyProduct = shape({
  PRD_ID: 'int', PRD_SKU: 'str', PRD_NM: 'str', PRD_DSC: 'str?', PRD_CAT_CD: 'str?',
  PRD_PRC: 'money', PRD_STS: 'str', PRD_UPD_TS: 'str', PRD_FLG_X: 'str?',
});

export const legacyOrderHeader = shape({
  ORD_ID: 'int', CUST_ID: 'int', ORD_DT: 'str', ORD_STS: 'str', ORD_TOT_AMT: 'money',
  ORD_SHP_TS: 'str?', ORD_RMK: 'str?', ORD_UPD_TS: 'str',
});

export const legacyOrderLine = shape({
  ORD_ID: 'int', ORD_LN_NO: 'int', PRD_ID: 'int', ORD_LN_QTY: 'int',
  ORD_LN_PRC: 'money', ORD_LN_AMT: 'money', ORD_LN_UPD_TS: 'str',
});

export const legacyStock = shape({
  PRD_ID: 'int', INV_LOC_CD: 'str', INV_QTY_OH: 'int', INV_QTY_RSV: 'int',
  INV_REORD_LVL: 'int?', INV_UPD_TS: 'str',
});

/** An order as `GET /api/orders/:id` serves it: the header's keys, then `LINES` in line-number order. */
export function legacyOrder(header: DbRow, lines: readonly DbRow[]): LegacyOrderJson {
  return { ...legacyOrderHeader.serialize(header), LINES: lines.map((l) => legacyOrderLine.serialize(l)) };
}
