import type { CompiledRoute } from '../../config/table';
import { ROUTE_MODES } from '../../config/schema';
import type { RouteShadowReport } from '../../shadow/types';
import { ADMIN_PATHS } from '../admin-paths';
import { DEFAULT_SINCE_MS } from '../admin-requests';
import type { RouteView } from '../types';
import type { Freshness, Overview, RouteOverview } from './answers';
import type { DashboardDeps } from './deps';
import { liveKey, NO_STATS, type LiveStats } from './live-stats';
import { shadowSummary } from './summary';
import { sideClassifier, type TrafficBucket, type TrafficTotal } from './traffic-reader';

const MINUTE = 60_000;
const HOUR_MINUTES = 60;

/**
 * The overview: every route of the table with its mode, the last hour's requests per side, the
 * last hit of each side, the shadow record with its sample size and bound, the live sides'
 * errors and p99, and the health of its upstreams; the count of routes per mode; and the data
 * contexts' freshness. Everything comes from the store, so every replica answers the same.
 */
export async function buildOverview(deps: DashboardDeps): Promise<Overview> {
  const now = deps.clock();
  const nowMinute = Math.floor(now.getTime() / MINUTE);
  const fromMinute = nowMinute - HOUR_MINUTES + 1;
  const [list, buckets, totals, reports, live] = await Promise.all([
    deps.control.list(),
    deps.traffic.buckets(fromMinute, 1),
    deps.traffic.totals(),
    deps.shadow ? deps.shadow.report(undefined, new Date(now.getTime() - DEFAULT_SINCE_MS)) : Promise.resolve([] as RouteShadowReport[]),
    deps.live ? deps.live() : Promise.resolve(new Map() as LiveStats),
  ]);
  const table = deps.baseline();
  const sideOf = sideClassifier(table);
  const counts: Record<string, number> = Object.fromEntries(ROUTE_MODES.map((m) => [m, 0]));
  for (const r of list.routes) counts[r.state.mode] = (counts[r.state.mode] ?? 0) + 1;
  const routes = list.routes.map((view) =>
    routeRow(view, table.routes.find((r) => r.id === view.id), {
      buckets: buckets.filter((b) => b.routeId === view.id),
      totals: totals.filter((t) => t.routeId === view.id),
      report: reports.find((r) => r.routeId === view.id),
      live,
      sideOf,
      fromMinute,
      deps,
    }),
  );
  return { version: list.version, at: now.toISOString(), counts, routes, data: freshness(deps, list.routes), rollouts: hasRollouts() };
}

interface RowInputs {
  readonly buckets: readonly TrafficBucket[];
  readonly totals: readonly TrafficTotal[];
  readonly report: RouteShadowReport | undefined;
  readonly live: LiveStats;
  readonly sideOf: (routeId: string, upstream: string) => 'legacy' | 'new';
  readonly fromMinute: number;
  readonly deps: DashboardDeps;
}

function routeRow(view: RouteView, route: CompiledRoute | undefined, i: RowInputs): RouteOverview {
  const perMinute = { legacy: new Array<number>(HOUR_MINUTES).fill(0), new: new Array<number>(HOUR_MINUTES).fill(0) };
  for (const b of i.buckets) {
    const at = b.bucket - i.fromMinute;
    const series = perMinute[i.sideOf(view.id, b.upstream)];
    if (at >= 0 && at < HOUR_MINUTES) series[at] = (series[at] ?? 0) + b.requests;
  }
  const lastHit: { legacy: string | null; new: string | null } = { legacy: null, new: null };
  for (const t of i.totals) {
    const side = i.sideOf(view.id, t.upstream);
    const at = new Date(t.lastMinute * MINUTE).toISOString();
    if (lastHit[side] === null || (lastHit[side] as string) < at) lastHit[side] = at;
  }
  const report = i.report && i.report.compared + i.report.newErrors + i.report.newTimeouts > 0 ? i.report : undefined;
  return {
    id: view.id,
    path: view.path,
    methods: view.methods,
    mode: view.state.mode,
    percent: view.state.percent ?? null,
    source: view.source === 'routes.json' ? 'routes.json' : `version ${view.source.version}`,
    legacy: view.legacy,
    new: view.new,
    perMinute,
    lastHit,
    shadow: report ? shadowSummary(report, route) : null,
    live: {
      legacy: (view.legacy && i.live.get(liveKey(view.id, view.legacy))) || NO_STATS,
      new: (view.new && i.live.get(liveKey(view.id, view.new))) || NO_STATS,
    },
    health: health(view, i.deps),
  };
}

function health(view: RouteView, deps: DashboardDeps): RouteOverview['health'] {
  const circuits = deps.circuits?.() ?? [];
  const instances = deps.instances?.() ?? [];
  const sides = [...(view.legacy ? [['legacy', view.legacy] as const] : []), ...(view.new ? [['new', view.new] as const] : [])];
  return sides.map(([side, upstream]) => {
    const mine = instances.filter((x) => x.upstream === upstream);
    return {
      upstream,
      side,
      circuit: circuits.find((c) => c.upstream === upstream)?.state ?? null,
      healthy: mine.filter((x) => x.state === 'healthy').length,
      total: mine.length,
      problems: mine.filter((x) => x.state !== 'healthy').map((x) => `${x.instance} ${x.state}${x.why ? `: ${x.why}` : ''}`),
    };
  });
}

/** Each data context, with the routes whose new side is its service (the upstream named like the context). */
function freshness(deps: DashboardDeps, routes: readonly RouteView[]): Freshness[] {
  return (deps.freshness?.() ?? []).map((f) => ({ ...f, routes: routes.filter((r) => r.new === f.context).map((r) => r.id) }));
}

/** Rollouts (issue 18) exist once the admin API lists their path; the page asks for them only then. */
function hasRollouts(): boolean {
  return (Object.values(ADMIN_PATHS) as string[]).includes('/admin/rollouts');
}
