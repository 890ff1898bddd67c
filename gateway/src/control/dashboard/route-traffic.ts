import { ControlError } from '../errors';
import type { RouteTraffic } from './answers';
import type { DashboardDeps } from './deps';
import { sideClassifier } from './traffic-reader';

/**
 * A route's traffic per upstream since a time (every replica, from the store) and per instance of
 * its upstreams (this replica: the instances' state and the tries it sent to each).
 */
export async function routeTraffic(deps: DashboardDeps, routeId: string, since: Date): Promise<RouteTraffic> {
  const table = deps.baseline();
  const route = table.routes.find((r) => r.id === routeId);
  if (!route) throw new ControlError('unknown-route', `no route "${routeId}" in ${table.source}`);
  const sideOf = sideClassifier(table);
  const [counts, tries] = await Promise.all([deps.store.traffic(routeId, since), deps.instanceTries ? deps.instanceTries() : Promise.resolve(new Map<string, number>())]);
  const names = new Set([route.legacy?.upstream.name, route.new?.upstream.name].filter((n): n is string => n !== undefined));
  return {
    routeId,
    since: since.toISOString(),
    upstreams: counts.map((c) => ({ upstream: c.upstream, side: sideOf(routeId, c.upstream), requests: c.requests, lastSeen: c.lastSeen })),
    instances: (deps.instances?.() ?? [])
      .filter((i) => names.has(i.upstream))
      .map((i) => ({ upstream: i.upstream, instance: i.instance, state: i.state, inFlight: i.inFlight, ejections: i.ejections, tries: tries.get(`${i.upstream}\u0000${i.instance}`) ?? 0, why: i.why ?? null })),
  };
}
