/**
 * Native helpers bound into every mapping (`$legacyMoney`, `$legacyInstant`, `$legacyDate`,
 * `$legacyCode`, `$legacyTrim`). They hold the string crunching of the rules in acl/README.md,
 * which the jsonata interpreter runs some twenty times slower than plain JavaScript; the mappings
 * still say which field follows which rule. Each is pure and total: every input gives a result, never a throw; a
 * value that does not follow the rule becomes null, which the target schema then refuses.
 */

/** The monolith's DECIMAL(12,2) as `formatMoney` writes it: 1–10 digits, a dot, exactly two decimals, no sign. */
const LEGACY_DECIMAL = /^[0-9]{1,10}\.[0-9]{2}$/;

/** YYYYMMDDHHMMSS with each field in its range (day 01–31 whatever the month; see legacyInstant). */
const LEGACY_TIMESTAMP = /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;

/** `"271.33"` → 27133: the digits are joined on the string, so no float ever rounds. Anything else → null. */
export function legacyCents(decimal: unknown): number | null {
  // At most twelve digits: an exact integer, well inside Number.MAX_SAFE_INTEGER. (Slices, not capture groups: this runs per row.)
  return typeof decimal === 'string' && LEGACY_DECIMAL.test(decimal) ? Number(decimal.slice(0, -3) + decimal.slice(-2)) : null;
}

/** `$legacyMoney(decimal, currency)` → `{amount: cents or null, currency}`: the amount is refused on its own path. */
export function legacyMoney(decimal: unknown, currency: unknown): { amount: number | null; currency: unknown } {
  return { amount: legacyCents(decimal), currency };
}

/**
 * `YYYYMMDDHHMMSS` (UTC) → `YYYY-MM-DDTHH:MM:SSZ`, or null. Days past 28 take a round trip
 * through the calendar, so that February 30 (or April 31) is refused instead of rolling over.
 */
export function legacyInstant(timestamp: unknown): string | null {
  if (typeof timestamp !== 'string' || !LEGACY_TIMESTAMP.test(timestamp)) return null;
  const day = timestamp.slice(6, 8);
  const iso = `${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${day}T${timestamp.slice(8, 10)}:${timestamp.slice(10, 12)}:${timestamp.slice(12, 14)}Z`;
  if (day <= '28') return iso;
  // Date.parse accepts day 31 of any month and rolls it over; the round trip shows whether it did.
  const millis = Date.parse(iso);
  return Number.isFinite(millis) && new Date(millis).toISOString() === `${iso.slice(0, 19)}.000Z` ? iso : null;
}

/** A business date `YYYYMMDD` (UTC, no time of day) → midnight UTC of that day, or null. */
export function legacyDate(date: unknown): string | null {
  return typeof date === 'string' && date.length === 8 ? legacyInstant(`${date}000000`) : null;
}

/**
 * `$legacyCode(codes, code)`: a hand-typed CHAR(1) code read case-insensitively through the
 * mapping's own table (`{"A": "active", ...}`); unknown codes, non-strings and null → null.
 */
export function legacyCode(codes: unknown, code: unknown): unknown {
  if (typeof code !== 'string' || typeof codes !== 'object' || codes === null) return null;
  const key = code.toUpperCase();
  return Object.prototype.hasOwnProperty.call(codes, key) ? ((codes as Record<string, unknown>)[key] ?? null) : null;
}

/**
 * Blanks trimmed at both ends only (inner blanks kept, unlike jsonata's `$trim`); non-strings → null.
 * `trim()` strips exactly what `/^\s+|\s+$/g` does (WhiteSpace and LineTerminator), without a regex.
 */
export function legacyTrim(text: unknown): string | null {
  return typeof text === 'string' ? text.trim() : null;
}

/** An ISO-8601 UTC instant as the contracts write it (milliseconds optional). */
const CONTRACT_INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z$/;

/**
 * The reverse of `legacyInstant`, for new → legacy mappings: `YYYY-MM-DDTHH:MM:SS[.mmm]Z` →
 * `YYYYMMDDHHMMSS` (milliseconds dropped: the legacy column has whole seconds), or null for
 * anything else, a date that does not exist included.
 */
export function legacyTimestamp(instant: unknown): string | null {
  if (typeof instant !== 'string' || !CONTRACT_INSTANT.test(instant)) return null;
  const stamp = `${instant.slice(0, 4)}${instant.slice(5, 7)}${instant.slice(8, 10)}${instant.slice(11, 13)}${instant.slice(14, 16)}${instant.slice(17, 19)}`;
  return legacyInstant(stamp) === null ? null : stamp;
}

/**
 * The reverse of `legacyMoney`, for new → legacy mappings: `{amount: cents, currency}` → the
 * monolith's DECIMAL(12,2) string (`169736` → `"1697.36"`), built on the digits so no float ever
 * rounds. Null unless the amount is a whole, non-negative number of cents that fits the column
 * (at most ten digits before the point) and the currency is the one the mapping expects.
 */
export function legacyDecimal(money: unknown, currency: unknown): string | null {
  if (typeof money !== 'object' || money === null) return null;
  const { amount, currency: actual } = money as { amount?: unknown; currency?: unknown };
  if (actual !== currency || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || amount >= 1e12) return null;
  const digits = String(amount).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A contract instant → the monolith's business date `YYYYMMDD` (its UTC day), or null (see legacyTimestamp). */
export function legacyBusinessDate(instant: unknown): string | null {
  return legacyTimestamp(instant)?.slice(0, 8) ?? null;
}

/**
 * What every mapping sees, by binding name (without the `$`). Plain functions: jsonata calls them
 * with the evaluated arguments as they are (no signature to check), and never awaits a value.
 */
export const LEGACY_BINDINGS: Readonly<Record<string, (...args: never[]) => unknown>> = Object.freeze({
  legacyMoney,
  legacyInstant,
  legacyDate,
  legacyCode,
  legacyTrim,
  legacyTimestamp,
  legacyDecimal,
  legacyBusinessDate,
});
