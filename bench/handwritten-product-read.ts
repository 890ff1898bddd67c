/**
 * catalog/product-read written by hand in TypeScript, rule for rule (acl/README.md, "Rules
 * decided"), for the bench's `acl_vs_handwritten`: what the same translation costs with no ACL.
 * Not used by the gateway; it answers what the ACL answers on clean pages (the bench checks it).
 */

const STATUSES: Readonly<Record<string, string>> = { A: 'active', D: 'discontinued', H: 'discontinued' };

type Row = Record<string, unknown>;

/*
 * Written as a careful hand would for a hot path: character codes rather than regexes, and the ISO
 * text made in one String.fromCharCode (a string joined from slices is a rope, slower to validate
 * and serialise), as acl/src/legacy-values.ts does; otherwise the ACL would be compared with
 * slower code than a team would write.
 */
const digit = (s: string, at: number): number => {
  const c = s.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
};
const two = (s: string, at: number): number => digit(s, at) * 10 + digit(s, at + 1);

function cents(decimal: unknown): number | null {
  if (typeof decimal !== 'string') return null;
  const n = decimal.length;
  if (n < 4 || n > 13 || decimal.charCodeAt(n - 3) !== 46) return null;
  let value = 0;
  for (let i = 0; i < n; i++) {
    if (i === n - 3) continue;
    const d = digit(decimal, i);
    if (d < 0) return null;
    value = value * 10 + d;
  }
  return value;
}

function instant(ts: unknown): string | null {
  if (typeof ts !== 'string' || ts.length !== 14 || two(ts, 0) < 0 || two(ts, 2) < 0) return null;
  const month = two(ts, 4);
  const day = two(ts, 6);
  const hour = two(ts, 8);
  const minute = two(ts, 10);
  const second = two(ts, 12);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  // prettier-ignore
  const iso = String.fromCharCode(
    ts.charCodeAt(0), ts.charCodeAt(1), ts.charCodeAt(2), ts.charCodeAt(3), 45, ts.charCodeAt(4), ts.charCodeAt(5), 45, ts.charCodeAt(6), ts.charCodeAt(7), 84,
    ts.charCodeAt(8), ts.charCodeAt(9), 58, ts.charCodeAt(10), ts.charCodeAt(11), 58, ts.charCodeAt(12), ts.charCodeAt(13), 90,
  );
  if (day <= 28) return iso;
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
