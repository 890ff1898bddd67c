/**
 * Native helpers bound into every mapping (`$legacyMoney`, `$legacyInstant`, `$legacyDate`,
 * `$legacyCode`, `$legacyTrim`). They hold the string crunching of the rules in acl/README.md,
 * which the jsonata interpreter runs some twenty times slower than plain JavaScript; the mappings
 * still say which field follows which rule. Each is pure and total: every input gives a result, never a throw; a
 * value that does not follow the rule becomes null, which the target schema then refuses.
 */

/** The digit at `at` (ASCII 0–9 only), or -1000, so that any sum with a non-digit in it is negative. */
function digitAt(text: string, at: number): number {
  const c = text.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

const DOT = 46;

/**
 * `"271.33"` → 27133: the monolith's DECIMAL(12,2) as `formatMoney` writes it, 1–10 digits, a dot,
 * exactly two decimals, no sign (`/^[0-9]{1,10}\.[0-9]{2}$/`); anything else → null. The cents
 * are summed digit by digit, so no float ever rounds (at most twelve digits: an exact integer).
 * Character codes, not a regex and a string join: this runs for every row of every page.
 */
export function legacyCents(decimal: unknown): number | null {
  if (typeof decimal !== 'string') return null;
  const n = decimal.length;
  if (n < 4 || n > 13 || decimal.charCodeAt(n - 3) !== DOT) return null;
  let cents = 0;
  for (let i = 0; i < n; i++) {
    if (i === n - 3) continue;
    const d = digitAt(decimal, i);
    if (d < 0) return null;
    cents = cents * 10 + d;
  }
  return cents;
}

/** `$legacyMoney(decimal, currency)` → `{amount: cents or null, currency}`: the amount is refused on its own path. */
export function legacyMoney(decimal: unknown, currency: unknown): { amount: number | null; currency: unknown } {
  return { amount: legacyCents(decimal), currency };
}

const [DASH, COLON, T, Z] = [45, 58, 84, 90];

/** The two-digit number at `at`, negative when either is not a digit. */
const twoDigitsAt = (text: string, at: number): number => digitAt(text, at) * 10 + digitAt(text, at + 1);

/**
 * `YYYYMMDDHHMMSS` (UTC) → `YYYY-MM-DDTHH:MM:SSZ`, or null: fourteen ASCII digits, month 01–12,
 * day 01–31, hour 00–23, minute and second 00–59. Days past 28 take a round trip through the
 * calendar, so that February 30 (or April 31) is refused instead of rolling over.
 * Checked on character codes and written with one `String.fromCharCode`: a string joined from
 * slices is a rope, which the contract's check and JSON.stringify then read several times slower.
 */
export function legacyInstant(timestamp: unknown): string | null {
  if (typeof timestamp !== 'string' || timestamp.length !== 14) return null;
  const t = timestamp;
  if (twoDigitsAt(t, 0) < 0 || twoDigitsAt(t, 2) < 0) return null;
  const month = twoDigitsAt(t, 4);
  const day = twoDigitsAt(t, 6);
  const hour = twoDigitsAt(t, 8);
  const minute = twoDigitsAt(t, 10);
  const second = twoDigitsAt(t, 12);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  // prettier-ignore
  const iso = String.fromCharCode(
    t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2), t.charCodeAt(3), DASH, t.charCodeAt(4), t.charCodeAt(5), DASH, t.charCodeAt(6), t.charCodeAt(7), T,
    t.charCodeAt(8), t.charCodeAt(9), COLON, t.charCodeAt(10), t.charCodeAt(11), COLON, t.charCodeAt(12), t.charCodeAt(13), Z,
  );
  if (day <= 28) return iso;
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

/**
 * The helpers whose answer is always a string, a number, null or a fresh `{amount, currency}`, and
 * which never read `this` (Globals.plainHelpers). Not `legacyCode`: it answers whatever its table
 * holds, which may be a sequence the mapping built.
 */
export const PLAIN_ANSWER_HELPERS: ReadonlySet<unknown> = new Set<unknown>([legacyMoney, legacyInstant, legacyDate, legacyTrim, legacyTimestamp, legacyDecimal, legacyBusinessDate]);
