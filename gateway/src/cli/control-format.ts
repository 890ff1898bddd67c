import { describeState } from '../control/modes';
import type { AuditEntry, ChangeResult, Explanation, RouteList, RouteView, TrafficCount, UnreadableVersion } from '../control/types';
import { cell, formatTable } from './tables';

/** The human-readable forms of the control objects; `--json` prints the objects themselves instead. */

/** ISO time to the second: the milliseconds only widen the table. */
const time = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

const sourceOf = (r: RouteView): string => (r.source === 'routes.json' ? 'routes.json' : `v${r.source.version}`);

/** Where a route's mode comes from, in words: the file's baseline, or the flip that made state version N. */
function modeOrigin(r: RouteView): string {
  if (r.source === 'routes.json') return 'the baseline in routes.json: never flipped';
  return `set by the flip or rollback that made state version ${r.source.version}; \`strangler routes history ${cell(r.id)}\` says who and why`;
}

/**
 * Newer versions the gateway could not read: what is shown (and served) is an older version, and
 * the operator must know why before flipping anything.
 */
function unreadableNote(unreadable: readonly UnreadableVersion[] | undefined, shown: number): string {
  if (!unreadable || unreadable.length === 0) return '';
  const lines = unreadable.map((u) => `  version ${u.version}: ${u.issues.map((i) => `${cell(i.path)}: ${cell(i.message)}`).join('; ')}`);
  return `warning: newer route state cannot be read by this gateway (written by another gateway version?); version ${shown} is shown and served:\n${lines.join('\n')}\n`;
}

export function formatList(list: RouteList): string {
  const rows = list.routes.map((r) => [r.id, r.path, r.methods ? r.methods.join(',') : 'all', describeState(r.state), sourceOf(r), r.legacy ?? '-', r.new ?? '-']);
  let out = formatTable(['ID', 'PATH', 'METHODS', 'MODE', 'FROM', 'LEGACY', 'NEW'], rows);
  out += `state version ${list.version}${list.version === 0 ? ' (no flips yet: every route follows routes.json)' : ''}\n`;
  if (list.orphans.length > 0) out += `flipped routes that routes.json no longer has (ignored): ${list.orphans.map(cell).join(', ')}\n`;
  return out + unreadableNote(list.unreadable, list.version);
}

/** `v2.products: legacy → new (version 3, forced)`. */
export function formatChange(result: ChangeResult): string {
  const e = result.entry;
  const notes = [`version ${result.version}`, ...(e.forced ? ['forced'] : []), ...(e.undoes !== null ? [`rollback of #${e.undoes}`] : [])];
  const aborted = result.abortedRollout !== undefined ? `rollout #${result.abortedRollout} of ${cell(e.routeId)} aborted first: a change by hand takes the route out of its hands\n` : '';
  return `${aborted}${cell(e.routeId)}: ${describeState(e.from)} → ${describeState(e.to)} (${notes.join(', ')})\n`;
}

export function formatHistory(entries: readonly AuditEntry[], routeId: string | undefined): string {
  if (entries.length === 0) return routeId === undefined ? 'no changes recorded yet\n' : `no changes recorded for ${cell(routeId)}\n`;
  const rows = entries.map((e) => [
    String(e.version),
    time(e.at),
    e.actor,
    e.routeId,
    `${describeState(e.from)} → ${describeState(e.to)}`,
    e.action === 'rollback' ? `rollback${e.undoes !== null ? ` of #${e.undoes}` : ''}` : `flip #${e.id}`,
    e.forced ? 'forced' : '',
    e.reason,
  ]);
  return formatTable(['VERSION', 'TIME', 'ACTOR', 'ROUTE', 'CHANGE', 'ACTION', 'FORCED', 'REASON'], rows);
}

export function formatExplanation(x: Explanation): string {
  const lines = [`${x.method} ${cell(x.path)} → ${x.route ? cell(x.route.id) : 'no route'} (state version ${x.version})`];
  if (x.route) lines.push(`mode:    ${describeState(x.route.state)} (${modeOrigin(x.route)})`);
  lines.push('why:', ...x.why.map((w) => `  ${cell(w)}`), `answer:  ${cell(x.answer)}`);
  if (x.circuits) {
    const shown = x.circuits.map((c) => `${cell(c.upstream)} ${c.state}${c.retryAfterMs !== undefined ? ` (probes in ${Math.ceil(c.retryAfterMs / 1000)} s)` : ''}`);
    lines.push(`circuits: ${shown.length ? shown.join(', ') : 'no request yet'}`);
  }
  if (x.instances && x.instances.length > 0) {
    lines.push('instances:', ...x.instances.map((i) => `  ${cell(i.upstream)} ${cell(i.instance)} ${i.state}${i.why ? ` (${cell(i.why)})` : ''}, ${i.inFlight} in flight, ejected ${i.ejections}×`));
  }
  const note = unreadableNote(x.unreadable, x.version);
  if (!x.route) return lines.join('\n') + '\n' + note;
  lines.push(`traffic since ${time(x.since)}:`);
  const rows = trafficRows(x.route, x.traffic);
  let out = lines.join('\n') + '\n' + formatTable(['UPSTREAM', 'SIDE', 'REQUESTS', 'LAST SEEN'], rows, '  ');
  const proof = legacyProof(x.route, x.traffic, time(x.since));
  if (proof) out += proof + '\n';
  return out + note;
}

/** Every upstream that reported traffic, plus the route's own sides with 0 when they received nothing: a zero is the evidence. */
function trafficRows(route: RouteView, traffic: readonly TrafficCount[]): string[][] {
  const sideOf = (upstream: string) => [route.legacy === upstream ? 'legacy' : '', route.new === upstream ? 'new' : ''].filter(Boolean).join('+') || '-';
  const seen = new Set(traffic.map((t) => t.upstream));
  const rows = traffic.map((t) => [t.upstream, sideOf(t.upstream), String(t.requests), t.lastSeen ? time(t.lastSeen) : '-']);
  for (const name of [route.legacy, route.new]) {
    if (name !== null && !seen.has(name)) {
      seen.add(name);
      rows.push([name, sideOf(name), '0', '-']);
    }
  }
  return rows;
}

/** The proof of retirement in one line: how much the legacy side still received for this route. */
function legacyProof(route: RouteView, traffic: readonly TrafficCount[], since: string): string | null {
  if (route.legacy === null) return null;
  const count = traffic.filter((t) => t.upstream === route.legacy).reduce((n, t) => n + t.requests, 0);
  return count === 0
    ? `legacy (${cell(route.legacy)}) received no requests for this route since ${since}`
    : `legacy (${cell(route.legacy)}) still received ${count} request${count === 1 ? '' : 's'} for this route since ${since}`;
}
