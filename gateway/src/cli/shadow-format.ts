import type { LatencySummary, RouteShadowReport } from '../shadow/types';
import { cell, formatTable } from './tables';

/** The human-readable shadow report; `--json` prints the RouteShadowReport objects instead. */

const time = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');
const pct = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
const ms = (v: number): string => `${v.toFixed(1)} ms`;

function latency(side: string, l: LatencySummary): string {
  return l.count === 0 ? `${side} -` : `${side} p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}, mean ${ms(l.meanMs)} (${l.count})`;
}

/** True when the route has no record at all in the window. */
function empty(r: RouteShadowReport): boolean {
  return r.compared + r.newErrors + r.newTimeouts + r.legacyErrors + r.legacyTimeouts + r.dropped + r.bodyTooLarge + r.compareErrors === 0;
}

/** Stored rows the report had to leave out: its numbers are short by them, so they are named. */
function unreadableNote(r: RouteShadowReport): string {
  if (!r.unreadable || r.unreadable.length === 0) return '';
  const lines = r.unreadable.map((u) => `    ${u.table} ${cell(u.row)}: ${cell(u.field)}: ${cell(u.message)}`);
  return `  warning: ${count(r.unreadable.length, 'stored row')} could not be read and ${r.unreadable.length === 1 ? 'is' : 'are'} left out of these numbers:\n${lines.join('\n')}\n`;
}

/** Each kind of answer a mapping refused, as the gateway's log names it (mapping, field, reason), with the newest request it happened to. */
function failuresNote(r: RouteShadowReport): string {
  const failures = r.compareFailures ?? [];
  if (failures.length === 0) return '';
  const lines = failures.flatMap((f) => {
    const legacy = f.sample.legacy ? `; legacy answered ${f.sample.legacy.status}: ${cell(f.sample.legacy.body.length > 160 ? `${f.sample.legacy.body.slice(0, 160)}…` : f.sample.legacy.body)}` : '';
    return [`    ${cell(f.mapping)} at ${cell(f.path)}: ${cell(f.message)} (${count(f.count, 'request')})`, `      e.g. ${cell(f.sample.request.method)} ${cell(f.sample.request.path)} at ${time(f.sample.at)}${legacy}`];
  });
  return `  not translated:  answers the ACL refused (in compare errors above):\n${lines.join('\n')}\n`;
}

function formatRoute(r: RouteShadowReport): string {
  return formatNumbers(r) + failuresNote(r) + unreadableNote(r);
}

function formatNumbers(r: RouteShadowReport): string {
  const head = `${cell(r.routeId)}: shadow results since ${time(r.since)}`;
  if (empty(r)) return `${head}\n  nothing recorded yet\n`;
  const lines = [
    head,
    `  compared:        ${r.compared} (${r.noiseSampled} also sent to legacy twice to learn the noise)`,
    `  match rate:      ${pct(r.matchRate)}${r.matchRate === null ? '' : ` (${r.matches} of ${r.compared} without a real difference)`}`,
    `  new error rate:  ${pct(r.newErrorRate)} (${count(r.newErrors, 'error')}, ${count(r.newTimeouts, 'timeout')})`,
    // Only a reverse shadow (mode new) sends copies to legacy: the line is there when one failed.
    ...(r.legacyErrors + r.legacyTimeouts > 0 ? [`  legacy copies:   ${count(r.legacyErrors, 'error')}, ${count(r.legacyTimeouts, 'timeout')} (reverse shadow; not in the new error rate)`] : []),
    `  not compared:    ${r.dropped} dropped (queue full), ${r.bodyTooLarge} body too large, ${r.compareErrors} compare errors; ${r.truncated} answers truncated`,
    `  latency:         ${latency('legacy', r.latency.legacy)}`,
    `                   ${latency('new   ', r.latency.new)}`,
  ];
  let out = lines.join('\n') + '\n';
  if (r.fields.length === 0) return out + (r.compared === 0 ? '' : '  no field differed\n');
  const rows = r.fields.map((f) => [f.path, f.kind, String(f.raw), String(f.noise), pct(f.rawRate), pct(f.noiseRate), f.real ? 'REAL' : 'noise']);
  out += formatTable(['FIELD', 'KIND', 'RAW', 'NOISE', 'RAW RATE', 'NOISE RATE', 'VERDICT'], rows, '  ');
  return out;
}

export function formatShadowReports(reports: readonly RouteShadowReport[], since: Date): string {
  if (reports.length === 0) return `no shadow results since ${time(since.toISOString())}\n`;
  return reports.map(formatRoute).join('\n');
}
