import { buildTable, type CompiledRoute, type RouteTable } from '../config/table';
import { MODE_NEEDS } from '../config/modes';
import type { OverlayEntry, RouteState, RouteView, StateVersion } from './types';

/** An overlay entry the baseline cannot honour (its route is gone, or lost a side the mode needs). */
export interface SkippedEntry {
  readonly routeId: string;
  readonly reason: string;
}

/** Why a route's overlay entry cannot apply to it (the mode needs a side the route does not declare), or null. */
function unfit(route: CompiledRoute, entry: OverlayEntry): string | null {
  const missing = MODE_NEEDS[entry.mode].filter((side) => route[side] === null);
  return missing.length > 0 ? `mode ${entry.mode} needs a ${missing.join(' and a ')} target, which routes.json no longer declares` : null;
}

/** The overlay entry that applies to a route, if any: the one rule shared by the served table, `list` and `explain`. */
function appliedEntry(route: CompiledRoute, state: StateVersion): OverlayEntry | null {
  const entry = state.overlay[route.config.id];
  return entry && !unfit(route, entry) ? entry : null;
}

/** The state a route is in: its overlay entry when it applies, else what routes.json says. */
export function effectiveState(route: CompiledRoute, state: StateVersion): RouteState {
  const entry = appliedEntry(route, state);
  if (entry) return entry.percent === undefined ? { mode: entry.mode } : { mode: entry.mode, percent: entry.percent };
  return route.config.mode === 'canary' ? { mode: 'canary', percent: route.config.canary?.percent ?? 0 } : { mode: route.config.mode };
}

/**
 * Lays a state version over the baseline table and compiles the result: a new immutable table,
 * ready to be swapped in whole. Entries that no longer fit the baseline are skipped (the route
 * keeps its file state) and reported, never half-applied.
 */
export function applyOverlay(baseline: RouteTable, state: StateVersion): { table: RouteTable; skipped: SkippedEntry[] } {
  const skipped: SkippedEntry[] = [];
  const known = new Set(baseline.routes.map((r) => r.id));
  for (const id of Object.keys(state.overlay)) if (!known.has(id)) skipped.push({ routeId: id, reason: 'routes.json has no such route' });
  const routes = baseline.routes.map((route): CompiledRoute => {
    const entry = state.overlay[route.id];
    if (!entry) return route;
    const reason = unfit(route, entry);
    if (reason) {
      skipped.push({ routeId: route.id, reason });
      return route;
    }
    return { ...route, mode: entry.mode, percent: entry.mode === 'canary' ? (entry.percent ?? 0) : 0 };
  });
  const { matcher: _matcher, ...parts } = baseline;
  return { table: buildTable({ ...parts, routes, version: state.version }), skipped };
}

/** A route as `routes list` shows it, under a state version. */
export function routeView(r: CompiledRoute, state: StateVersion): RouteView {
  const entry = appliedEntry(r, state);
  return {
    id: r.id,
    path: r.config.path,
    methods: r.config.methods ?? null,
    state: effectiveState(r, state),
    source: entry ? { version: entry.version } : 'routes.json',
    legacy: r.legacy?.upstream.name ?? null,
    new: r.new?.upstream.name ?? null,
  };
}
