import { formatMoney } from '../db/money';
import type { DbRow } from '../db/raw-rows';

/** How a column is written to JSON; explicit so SQLite and MySQL answers are byte-identical. */
type Kind = 'int' | 'int?' | 'str' | 'str?' | 'money';
export type JsonValue = string | number | null;
export type LegacyJson = Record<string, JsonValue>;

/** A legacy row shape: the columns to select, in the order the JSON keys appear. */
export interface Shape {
  readonly columns: readonly string[];
  serialize(row: DbRow): LegacyJson;
}

function asInt(value: unknown, column: string): number {
  const n = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`${column} is not an integer`);
  return n;
}

function convert(kind: Kind, value: unknown, column: string): JsonValue {
  if (value === null || value === undefined) {
    if (kind.endsWith('?')) return null;
    throw new TypeError(`${column} is unexpectedly null`);
  }
  if (kind === 'money') return formatMoney(value);
  if (kind === 'int' || kind === 'int?') return asInt(value, column);
  return String(value);
}

function shape(spec: Record<string, Kind>): Shape {
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

export const productShape = shape({
  PRD_ID: 'int', PRD_SKU: 'str', PRD_NM: 'str', PRD_DSC: 'str?', PRD_CAT_CD: 'str?',
  PRD_PRC: 'money', PRD_STS: 'str', PRD_UPD_TS: 'str', PRD_FLG_X: 'str?',
});

export const customerShape = shape({
  CUST_ID: 'int', CUST_NO: 'str', CUST_FRST_NM: 'str', CUST_LST_NM: 'str', CUST_EMAIL: 'str?',
  CUST_PHN: 'str?', CUST_STS: 'str', CUST_CRT_DT: 'str', CUST_UPD_TS: 'str',
});

export const orderHeaderShape = shape({
  ORD_ID: 'int', CUST_ID: 'int', ORD_DT: 'str', ORD_STS: 'str', ORD_TOT_AMT: 'money',
  ORD_SHP_TS: 'str?', ORD_RMK: 'str?', ORD_UPD_TS: 'str',
});

export const orderLineShape = shape({
  ORD_ID: 'int', ORD_LN_NO: 'int', PRD_ID: 'int', ORD_LN_QTY: 'int',
  ORD_LN_PRC: 'money', ORD_LN_AMT: 'money', ORD_LN_UPD_TS: 'str',
});

export const inventoryShape = shape({
  PRD_ID: 'int', INV_LOC_CD: 'str', INV_QTY_OH: 'int', INV_QTY_RSV: 'int',
  INV_REORD_LVL: 'int?', INV_UPD_TS: 'str',
});

export const salesRowShape = shape({
  RNK: 'int', PRD_ID: 'int', PRD_SKU: 'str?', PRD_NM: 'str?', ORD_CNT: 'int',
  QTY_SOLD: 'int', REV_AMT: 'money', LAST_ORD_DT: 'str?',
});
