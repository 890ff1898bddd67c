import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { SideStats } from './answers';

/**
 * Each route's answers per upstream as this replica counted them since it started, read from its
 * own /metrics registry: requests, 5xx answers and the p99 from the duration histogram's buckets
 * (an upper bound: the bucket the 99th percentile falls in). The fleet-wide numbers are the shadow
 * record's; these show a canary's live sides without waiting for a scrape.
 */
export type LiveStats = ReadonlyMap<string, SideStats>;

export const liveKey = (routeId: string, upstream: string): string => `${routeId}\u0000${upstream}`;

const ValueSchema = z.object({ metricName: z.string().optional(), labels: z.record(z.string(), z.union([z.string(), z.number()])), value: z.number() });
const MetricSchema = z.object({ values: z.array(ValueSchema) });

async function valuesOf(registry: Pick<Registry, 'getSingleMetric'>, name: string): Promise<z.infer<typeof ValueSchema>[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const parsed = MetricSchema.safeParse(await metric.get());
  return parsed.success ? parsed.data.values : [];
}

const label = (v: z.infer<typeof ValueSchema>, name: string): string => String(v.labels[name] ?? '');

export async function readLiveStats(registry: Pick<Registry, 'getSingleMetric'>): Promise<LiveStats> {
  const counts = new Map<string, { requests: number; errors: number }>();
  for (const v of await valuesOf(registry, 'strangler_requests_total')) {
    const key = liveKey(label(v, 'route'), label(v, 'upstream'));
    const c = counts.get(key) ?? { requests: 0, errors: 0 };
    c.requests += v.value;
    if (Number(label(v, 'status')) >= 500) c.errors += v.value;
    counts.set(key, c);
  }
  // Cumulative bucket counts per route and upstream, summed over modes (a canary's side is the same side in any mode).
  const buckets = new Map<string, Map<number, number>>();
  for (const v of await valuesOf(registry, 'strangler_request_duration_seconds')) {
    if (v.metricName !== 'strangler_request_duration_seconds_bucket') continue;
    const le = label(v, 'le');
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    const key = liveKey(label(v, 'route'), label(v, 'upstream'));
    const map = buckets.get(key) ?? new Map<number, number>();
    map.set(bound, (map.get(bound) ?? 0) + v.value);
    buckets.set(key, map);
  }
  const out = new Map<string, SideStats>();
  for (const [key, c] of counts) {
    out.set(key, { requests: c.requests, errors: c.errors, errorRate: c.requests === 0 ? null : c.errors / c.requests, p99Ms: p99Of(buckets.get(key)) });
  }
  return out;
}

/** The upper bound of the bucket the 99th percentile falls in, in ms; past the last bound, that bound. */
function p99Of(buckets: ReadonlyMap<number, number> | undefined): number | null {
  if (!buckets) return null;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const finite = sorted.filter(([b]) => Number.isFinite(b));
  const hit = finite.find(([, cumulative]) => cumulative >= 0.99 * total);
  const bound = hit?.[0] ?? finite.at(-1)?.[0] ?? null;
  return bound === null ? null : Math.round(bound * 1000 * 100) / 100;
}

export const NO_STATS: SideStats = { requests: 0, errors: 0, errorRate: null, p99Ms: null };

/** Tries this replica sent to each instance since it started, by `upstream\u0000instance`. */
export async function readInstanceTries(registry: Pick<Registry, 'getSingleMetric'>): Promise<ReadonlyMap<string, number>> {
  const out = new Map<string, number>();
  for (const v of await valuesOf(registry, 'strangler_instance_requests_total')) out.set(`${label(v, 'upstream')}\u0000${label(v, 'instance')}`, v.value);
  return out;
}
