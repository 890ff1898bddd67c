/** Aligned plain-text tables for the terminal; no dependency, no colours. */

/** Replaces control characters (newlines, escape sequences) so that stored text cannot break a row or drive the terminal. */
export function cell(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/**
 * Formats rows under upper-case headers, each column as wide as its widest cell, two spaces
 * apart. The last column is not padded, so lines carry no trailing blanks.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const all = [headers, ...rows].map((row) => headers.map((_, i) => cell(row[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...all.map((row) => width(row[i] ?? ''))));
  const lines = all.map((row) =>
    row
      .map((value, i) => (i === row.length - 1 ? value : value + ' '.repeat((widths[i] ?? 0) - width(value))))
      .join('  ')
      .trimEnd(),
  );
  return lines.map((line) => indent + line).join('\n') + '\n';
}

/** Display width in code points (the table holds no wide or combining characters worth more care). */
function width(value: string): number {
  return [...value].length;
}
