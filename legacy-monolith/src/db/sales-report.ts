import type { Knex } from 'knex';
import { rawRows, type DbRow } from './raw-rows';

/*
 * "The module that locks up checkout": written in 2013, never indexed for, and kept as it is because
 * finance reconciles against its numbers. The rank is a correlated COUNT over the aggregate and the
 * last order date a correlated scan of ORD_LN x ORD_HDR per product, so its cost grows with the square
 * of the products sold. Revenue is ROUNDed in SQL so that SQLite's float SUM and MySQL's exact DECIMAL
 * SUM compare (and therefore rank) identically.
 */
const SALES_SQL = `
WITH REV AS (
  SELECT l.PRD_ID AS PRD_ID,
         COUNT(DISTINCT l.ORD_ID) AS ORD_CNT,
         SUM(l.ORD_LN_QTY) AS QTY_SOLD,
         ROUND(SUM(l.ORD_LN_AMT), 2) AS REV_AMT
    FROM ORD_LN l
    JOIN ORD_HDR h ON h.ORD_ID = l.ORD_ID
   WHERE h.ORD_STS <> 'C'
   GROUP BY l.PRD_ID
)
SELECT (SELECT COUNT(*) + 1 FROM REV r2 WHERE r2.REV_AMT > r.REV_AMT) AS RNK,
       r.PRD_ID AS PRD_ID,
       p.PRD_SKU AS PRD_SKU,
       p.PRD_NM AS PRD_NM,
       r.ORD_CNT AS ORD_CNT,
       r.QTY_SOLD AS QTY_SOLD,
       r.REV_AMT AS REV_AMT,
       (SELECT MAX(h3.ORD_DT)
          FROM ORD_LN l3
          JOIN ORD_HDR h3 ON h3.ORD_ID = l3.ORD_ID
         WHERE l3.PRD_ID = r.PRD_ID AND h3.ORD_STS <> 'C') AS LAST_ORD_DT
  FROM REV r
  LEFT JOIN PRD_MSTR p ON p.PRD_ID = r.PRD_ID
 ORDER BY RNK, r.PRD_ID`;

/** Per product revenue over all non-cancelled orders, ranked (ties share a rank), best first. */
export async function querySalesReport(db: Knex): Promise<DbRow[]> {
  return rawRows(db, SALES_SQL);
}
