import { BURNDOWN_RANGES, type Burndown, type BurndownRange } from './answers';
import type { DashboardDeps } from './deps';
import { sideClassifier } from './traffic-reader';

const MINUTE = 60_000;

/**
 * The burn-down: requests per side in buckets over a range (an hour in minutes to four weeks in
 * six-hour buckets), from the fleet's per-minute counts. The share still served by legacy is
 * legacy / (legacy + new) per bucket; an empty bucket is a gap, not a zero share.
 */
export async function buildBurndown(deps: DashboardDeps, range: BurndownRange): Promise<Burndown> {
  const [minutes, bucketMinutes] = BURNDOWN_RANGES[range];
  const nowMinute = Math.floor(deps.clock().getTime() / MINUTE);
  const last = nowMinute - (nowMinute % bucketMinutes);
  const first = last - (minutes / bucketMinutes - 1) * bucketMinutes;
  const sideOf = sideClassifier(deps.baseline());
  const points = new Map<number, { legacy: number; new: number }>();
  for (let b = first; b <= last; b += bucketMinutes) points.set(b, { legacy: 0, new: 0 });
  for (const row of await deps.traffic.buckets(first, bucketMinutes)) {
    const point = points.get(row.bucket);
    if (point) point[sideOf(row.routeId, row.upstream)] += row.requests;
  }
  return {
    range,
    bucketMinutes,
    points: [...points].map(([bucket, p]) => ({ at: new Date(bucket * MINUTE).toISOString(), legacy: p.legacy, new: p.new })),
  };
}
