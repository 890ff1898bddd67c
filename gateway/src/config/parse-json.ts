import type { TableIssue } from './errors';

/** JSON.parse with the error located as line:column, so an operator can find a stray comma. */
export function parseJsonText(text: string, source: string): { ok: true; value: unknown } | { ok: false; issue: TableIssue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message);
    let where = source;
    if (pos) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = `${source}:${line}:${column}`;
    } else if (/end of (JSON )?input/i.test(message)) {
      where = `${source}:${text.split('\n').length}`;
    }
    return { ok: false, issue: { path: where, message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}` } };
  }
}
