import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { TableIssue } from './errors';

/**
 * Strict JSON (JSON.parse decides validity); when it fails, jsonc-parser locates the first
 * error as line:column, because V8's messages do not always carry a position.
 */
export function parseJsonText(text: string, source: string): { ok: true; value: unknown } | { ok: false; issue: TableIssue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return { ok: false, issue: { path: source, message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` } };
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    return { ok: false, issue: { path: `${source}:${line}:${column}`, message: `invalid JSON: ${printParseErrorCode(first.error)}` } };
  }
}
