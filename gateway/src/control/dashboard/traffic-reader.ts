import type { Knex } from 'knex';
import { z } from 'zod';
import { describeIssues, fieldIssues, storedInteger } from '../../../../platform';
import type { RouteTable } from '../../config/table';
import { ControlError } from '../errors';
import { TRAFFIC } from '../state-rows';

/** Requests one upstream received for one route in one bucket of minutes, summed over replicas. */
export interface TrafficBucket {
  readonly routeId: string;
  readonly upstream: string;
  /** Minutes since the epoch at the bucket's start. */
  readonly bucket: number;
  readonly requests: number;
}

/** Per route and upstream, all time: the requests and the last minute with traffic. */
export interface TrafficTotal {
  readonly routeId: string;
  readonly upstream: string;
  readonly requests: number;
  readonly lastMinute: number;
}

const BucketRowSchema = z.object({ route_id: z.string(), upstream: z.string(), bucket: storedInteger, requests: storedInteger });
const TotalRowSchema = z.object({ route_id: z.string(), upstream: z.string(), requests: storedInteger, last: storedInteger });

function parseRows<T>(schema: z.ZodType<T>, rows: unknown[]): T[] {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    // Skipping a row could show legacy at zero, the proof a route can be retired: refuse instead.
    if (!parsed.success) throw new ControlError('unreadable-state', `traffic counts in ${TRAFFIC} cannot be read: ${describeIssues(fieldIssues(parsed.error))}`, { table: TRAFFIC });
    return parsed.data;
  });
}

/**
 * Reads the fleet's per-minute traffic counts (written by every replica's TrafficRecorder) for
 * the dashboard: buckets of minutes for the charts, and the last hit of each upstream per route.
 * The state store's own interface stays as it is; this reads the same table.
 */
export class TrafficReader {
  constructor(private readonly db: Knex) {}

  /** Sums per route, upstream and bucket of `bucketMinutes` from `fromMinute` on. */
  async buckets(fromMinute: number, bucketMinutes: number, routeId?: string): Promise<TrafficBucket[]> {
    const q = this.db(TRAFFIC)
      .select('route_id', 'upstream', this.db.raw('(minute - (minute % ?)) as bucket', [bucketMinutes]))
      .sum({ requests: 'requests' })
      .where('minute', '>=', fromMinute)
      .groupByRaw('route_id, upstream, (minute - (minute % ?))', [bucketMinutes]);
    if (routeId !== undefined) void q.andWhere('route_id', routeId);
    const rows: unknown[] = await q;
    return parseRows(BucketRowSchema, rows).map((r) => ({ routeId: r.route_id, upstream: r.upstream, bucket: r.bucket, requests: r.requests }));
  }

  /** Every route and upstream ever counted (counts are kept), with the last minute it was hit. */
  async totals(): Promise<TrafficTotal[]> {
    const rows: unknown[] = await this.db(TRAFFIC).select('route_id', 'upstream').sum({ requests: 'requests' }).max({ last: 'minute' }).groupBy('route_id', 'upstream');
    return parseRows(TotalRowSchema, rows).map((r) => ({ routeId: r.route_id, upstream: r.upstream, requests: r.requests, lastMinute: r.last }));
  }
}

/**
 * Which side an upstream is for a route: the route's legacy upstream is legacy, anything else it
 * names is new. For a route the table no longer has, an upstream that is some route's legacy
 * side counts as legacy, so retired history still burns down correctly.
 */
export function sideClassifier(table: RouteTable): (routeId: string, upstream: string) => 'legacy' | 'new' {
  const byId = new Map(table.routes.map((r) => [r.id, r]));
  const legacyNames = new Set(table.routes.flatMap((r) => (r.legacy ? [r.legacy.upstream.name] : [])));
  return (routeId, upstream) => {
    const route = byId.get(routeId);
    if (route) return route.legacy?.upstream.name === upstream ? 'legacy' : route.new?.upstream.name === upstream ? 'new' : legacyNames.has(upstream) ? 'legacy' : 'new';
    return legacyNames.has(upstream) ? 'legacy' : 'new';
  };
}
