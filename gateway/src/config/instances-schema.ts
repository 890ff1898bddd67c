import { z } from 'zod';

/**
 * How an upstream's instances are found, balanced and judged: the part of the route table that
 * issue 17 added beside each upstream's URL. Imported by config/schema.ts, which stays the single
 * source of the table's types and JSON Schema.
 */

const hostname = z.string().regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/, 'must be a DNS name');

export const InstanceSchema = z
  .object({
    url: z.string().describe('Origin of this instance: http(s)://host[:port], no path, no credentials.'),
    weight: z.number().int().min(1).max(100).default(1).describe('Share of the upstream\'s traffic, relative to the other instances.'),
  })
  .strict();

export const DiscoverSchema = z
  .object({
    dns: hostname.describe('A name whose A and AAAA records are the instances (a compose or Kubernetes service name).'),
    port: z.number().int().min(1).max(65_535).describe('The port every discovered instance listens on.'),
    protocol: z.enum(['http', 'https']).default('http'),
    refreshMs: z.number().int().min(1_000).max(3_600_000).default(5_000).describe('How often the name is resolved again (sooner when the records\' TTL is shorter).'),
  })
  .strict();

export const HealthCheckSchema = z
  .object({
    path: z.string().regex(/^\//, 'must start with /').default('/healthz').describe('Path probed on every instance with GET.'),
    intervalMs: z.number().int().min(100).max(600_000).default(15_000).describe('Time between two probes of one instance (jittered by up to a tenth).'),
    timeoutMs: z.number().int().min(10).max(120_000).default(10_000).describe('A probe not answered in this time failed.'),
    unhealthyAfter: z.number().int().min(1).max(100).default(2).describe('Failed probes in a row that mark an instance unhealthy.'),
    healthyAfter: z.number().int().min(1).max(100).default(1).describe('Passed probes in a row that mark it healthy again.'),
    expectStatus: z.array(z.number().int().min(100).max(599)).default([]).describe('Statuses that pass; any 2xx when empty.'),
  })
  .strict();

export const OutlierSchema = z
  .object({
    consecutiveFailures: z.number().int().min(1).max(1_000).default(5).describe('Connect failures, resets, timeouts or 5xx in a row that eject an instance.'),
    baseEjectionMs: z.number().int().min(100).max(3_600_000).default(30_000).describe('An ejection lasts this long times the instance\'s number of ejections.'),
    maxEjectionMs: z.number().int().min(100).max(3_600_000).default(300_000).describe('The longest one ejection lasts.'),
    maxEjectedPercent: z.number().min(0).max(100).default(50).describe('At most this share of the instances is ejected at once.'),
  })
  .strict();

/** Fields added to each upstream. */
export const upstreamInstances = {
  url: z.string().optional().describe('Origin of the upstream: http(s)://host[:port], no path, no credentials. Exactly one of url, instances or discover.'),
  instances: z.array(InstanceSchema).min(1).max(256).optional().describe('Several origins serving the upstream, balanced per request.'),
  discover: DiscoverSchema.optional().describe('Instances found in DNS, re-resolved in the background (never per request).'),
  loadBalancing: z.enum(['p2c', 'round-robin', 'least-request']).default('p2c').describe('p2c: the less busy of two instances picked at random; round-robin: in turn, by weight; least-request: the least busy.'),
  healthCheck: HealthCheckSchema.optional().describe('Active health checks of every instance; off when absent.'),
  outlier: OutlierSchema.default(OutlierSchema.parse({})).describe('Passive health: instances that keep failing are ejected for a growing time.'),
};

export type InstanceConfig = z.infer<typeof InstanceSchema>;
export type DiscoverConfig = z.infer<typeof DiscoverSchema>;
export type HealthCheckConfig = z.infer<typeof HealthCheckSchema>;
export type OutlierConfig = z.infer<typeof OutlierSchema>;
