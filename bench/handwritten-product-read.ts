/**
 * catalog/product-read written by hand in TypeScript, rule for rule (acl/README.md, "Rules
 * decided"), for the bench's `acl_vs_handwritten`: what the same translation costs with no ACL.
 * Not used by the gateway; it answers what the ACL answers on clean pages (the bench checks it).
 */

const DECIMAL = /^[0-9]{1,10}\.[0-9]{2}$/;
const TIMESTAMP = /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;
const STATUSES: Readonly<Record<string, string>> = { A: 'active', D: 'discontinued', H: 'discontinued' };

type Row = Record<string, unknown>;

function cents(decimal: unknown): number | null {
  return typeof decimal === 'string' && DECIMAL.test(decimal) ? Number(decimal.slice(0, -3) + decimal.slice(-2)) : null;
}

function instant(ts: unknown): string | null {
  if (typeof ts !== 'string' || !TIMESTAMP.test(ts)) return null;
  const day = ts.slice(6, 8);
  const iso = `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${day}T${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)}Z`;
  if (day <= '28') return iso;
  const millis = Date.parse(iso);
  return Number.isFinite(millis) && new Date(millis).toISOString() === `${iso.slice(0, 19)}.000Z` ? iso : null;
}

function status(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const key = code.toUpperCase();
  return Object.prototype.hasOwnProperty.call(STATUSES, key) ? (STATUSES[key] as string) : null;
}

function product(row: Row): Row {
  const out: Row = {
    id: row['PRD_ID'],
    sku: row['PRD_SKU'],
    name: typeof row['PRD_NM'] === 'string' ? row['PRD_NM'].trim() : null,
    description: row['PRD_DSC'],
    price: { amount: cents(row['PRD_PRC']), currency: 'EUR' },
    status: status(row['PRD_STS']),
    updatedAt: instant(row['PRD_UPD_TS']),
  };
  if (out['description'] === undefined) delete out['description'];
  return out;
}

/** A legacy product page (or one product) in the catalog contract; `now` stamps the page. */
export function handwrittenProductRead(input: unknown, now: Date): unknown {
  const doc = input as Row;
  if (doc === null || typeof doc !== 'object' || !('ROWS' in doc)) return product(doc);
  const rows = doc['ROWS'];
  return {
    items: Array.isArray(rows) ? rows.map((r) => product(r as Row)) : null,
    page: doc['PAGE'],
    size: doc['SIZE'],
    total: doc['TOTAL'],
    generatedAt: now.toISOString(),
  };
}
