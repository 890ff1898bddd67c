import type { CompiledRoute, RouteTable } from '../config/table';
import { compareSpecificity, matchPattern } from '../config/pattern';
import { normalizeTarget } from '../routing/normalize';
import { ControlError } from './errors';
import { applyOverlay, routeView } from './overlay';
import type { Explanation, StateVersion, TrafficCount } from './types';

/**
 * `routes explain`: the route the gateway would pick for a request under the given state, why it
 * wins over the other routes whose path also matches, which side answers, and what each upstream
 * received for that route since a time (the proof of retirement).
 */
export async function explainRequest(
  baseline: RouteTable,
  state: StateVersion,
  method: string,
  path: string,
  since: Date,
  traffic: (routeId: string) => Promise<TrafficCount[]>,
): Promise<Explanation> {
  const m = method.toUpperCase();
  const target = normalizeTarget(path);
  if (!target.ok) throw new ControlError('invalid-request', `the gateway refuses this path: ${target.reason}`);
  const { table } = applyOverlay(baseline, state);
  const hit = table.matcher.match(m, target.segments);
  const base = { method: m, path: target.path, version: state.version, since: since.toISOString() };
  if (!hit) return { ...base, route: null, why: [`no route matches ${m} ${target.path}: the gateway answers 404`], answer: 'nobody (404)', traffic: [] };
  const route = hit.route;
  return {
    ...base,
    route: routeView(route, state),
    why: reasons(table, route, m, target.segments),
    answer: answerOf(route),
    traffic: await traffic(route.id),
  };
}

function reasons(table: RouteTable, winner: CompiledRoute, method: string, segments: readonly string[]): string[] {
  const out = [`"${winner.id}" matches: path ${winner.config.path}, methods ${methodsOf(winner)}`];
  for (const other of table.routes) {
    if (other === winner || !matchPattern(other.pattern, segments)) continue;
    if (other.methods && !other.methods.has(method)) {
      out.push(`"${other.id}" (${other.config.path}) matches the path but not ${method} (methods ${methodsOf(other)})`);
      continue;
    }
    const bySpecificity = compareSpecificity(winner.pattern, other.pattern);
    const because =
      bySpecificity > 0 ? 'the winner\'s path is more specific' : (winner.methods?.size ?? 99) < (other.methods?.size ?? 99) ? 'the winner names fewer methods' : 'the winner comes first in routes.json';
    out.push(`"${other.id}" (${other.config.path}) also matches, but loses: ${because}`);
  }
  return out;
}

function methodsOf(r: CompiledRoute): string {
  return r.config.methods ? r.config.methods.join(',') : 'all';
}

function answerOf(r: CompiledRoute): string {
  const legacy = r.legacy ? `legacy (${r.legacy.upstream.name})` : 'legacy';
  const fresh = r.new ? `new (${r.new.upstream.name})` : 'new';
  const fallback = r.config.fallbackToLegacy ? `; ${legacy} answers GET/HEAD/OPTIONS that new fails (connect failure or 5xx)` : '';
  switch (r.mode) {
    case 'legacy':
      return `${legacy} answers`;
    case 'shadow':
      return `${legacy} answers; ${fresh} gets a copy to compare (sample ${r.config.shadow?.sample ?? 1})`;
    case 'canary': {
      const c = r.config.canary;
      const key = c?.stickyBy === 'header' ? `header ${c.key}` : c?.stickyBy === 'cookie' ? `cookie ${c.key}` : 'client address';
      return `${fresh} answers ${r.percent}% of keys, ${legacy} the rest; sticky by ${key} (the client address when it is absent)${fallback}`;
    }
    case 'new':
      return `${fresh} answers${fallback || `; ${legacy} is not called`}`;
    case 'retired':
      return `${fresh} answers; legacy is never called for this route`;
  }
}
