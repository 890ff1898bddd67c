import { openDatabase } from '../../platform';
import { migrateLegacy } from '../src/index';

const EXPECTED: Record<string, string[]> = {
  PRD_MSTR: ['PRD_ID', 'PRD_SKU', 'PRD_NM', 'PRD_DSC', 'PRD_CAT_CD', 'PRD_PRC', 'PRD_STS', 'PRD_UPD_TS', 'PRD_FLG_X'],
  CUST_MSTR: [
    'CUST_ID', 'CUST_NO', 'CUST_FRST_NM', 'CUST_LST_NM', 'CUST_EMAIL', 'CUST_PHN', 'CUST_STS', 'CUST_CRT_DT', 'CUST_UPD_TS',
  ],
  ORD_HDR: ['ORD_ID', 'CUST_ID', 'ORD_DT', 'ORD_STS', 'ORD_TOT_AMT', 'ORD_SHP_TS', 'ORD_RMK', 'ORD_UPD_TS'],
  ORD_LN: ['ORD_ID', 'ORD_LN_NO', 'PRD_ID', 'ORD_LN_QTY', 'ORD_LN_PRC', 'ORD_LN_AMT', 'ORD_LN_UPD_TS'],
  INV_BAL: ['PRD_ID', 'INV_LOC_CD', 'INV_QTY_OH', 'INV_QTY_RSV', 'INV_REORD_LVL', 'INV_UPD_TS'],
};

describe('migrateLegacy', () => {
  it('creates every legacy table with its columns, and is a no-op the second time', async () => {
    const db = openDatabase('sqlite::memory:');
    expect(await migrateLegacy(db)).toEqual(['001_catalog_and_customers', '002_orders', '003_inventory']);
    for (const [table, columns] of Object.entries(EXPECTED)) {
      expect(await db.schema.hasTable(table)).toBe(true);
      const info = await db(table).columnInfo();
      expect(Object.keys(info).sort()).toEqual([...columns].sort());
    }
    const prd = await db('PRD_MSTR').columnInfo();
    expect(prd.PRD_DSC?.nullable).toBe(true);
    expect(prd.PRD_FLG_X?.nullable).toBe(true);
    expect(prd.PRD_NM?.nullable).toBe(false);
    expect(await migrateLegacy(db)).toEqual([]);
    await db.destroy();
  });

  it('every synced table carries a change timestamp column', () => {
    for (const [table, columns] of Object.entries(EXPECTED)) {
      expect(columns.some((c) => c.endsWith('_UPD_TS'))).toBe(true);
      expect(table).toMatch(/^[A-Z_]+$/);
    }
  });
});
