/**
 * Money crosses the database as DECIMAL(12,2): mysql2 hands back strings, better-sqlite3 numbers.
 * Arithmetic is done in integer cents so both give the same totals.
 */
export function toCents(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`not a money value: ${String(value)}`);
  return Math.round(n * 100);
}

/** Cents as the decimal string the monolith has always put in its JSON ("12.50"). */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Any stored money value (string or number) as a two-decimal string. */
export function formatMoney(value: unknown): string {
  return centsToDecimal(toCents(value));
}
