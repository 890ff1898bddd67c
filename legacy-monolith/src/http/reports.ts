import { Router } from 'express';
import type { Knex } from 'knex';
import { centsToDecimal, toCents } from '../db/money';
import { querySalesReport } from '../db/sales-report';
import { parseOptionalInt } from './params';
import { salesRowShape } from './shapes';

/**
 * `/api/reports/sales`: revenue and rank per product. `top=N` trims the answer, not the work: the
 * whole ranking is computed every time, which is exactly why it hurts checkout.
 */
export function reportsRouter(db: Knex): Router {
  const router = Router();
  router.get('/sales', async (req, res) => {
    const top = parseOptionalInt(req.query.top, 'top', 100_000);
    const rows = (await querySalesReport(db)).map((row) => salesRowShape.serialize(row));
    const totalCents = rows.reduce((sum, row) => sum + toCents(row.REV_AMT), 0);
    res.json({
      PRD_CNT: rows.length,
      TOTAL_REV_AMT: centsToDecimal(totalCents),
      ROWS: top === undefined ? rows : rows.slice(0, top),
    });
  });
  return router;
}
