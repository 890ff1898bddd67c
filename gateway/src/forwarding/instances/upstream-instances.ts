import type { CompiledUpstream, RouteTable } from '../../config/table';
import type { AddressResolver } from './discovery';
import { DnsDiscovery } from './discovery';
import { HealthProbes } from './health-probes';
import type { InstanceView } from './instance';
import { InstanceSet, type InstanceSetDeps } from './instance-set';

export interface UpstreamInstancesDeps extends InstanceSetDeps {
  /** Where discovered instances are looked up (node's resolver, or a test's). */
  readonly resolver: AddressResolver;
}

interface Entry {
  readonly set: InstanceSet;
  /** The settings the set was made for: a reload that changes them makes a new set. */
  readonly shape: string;
  readonly probes: HealthProbes | null;
  readonly discovery: DnsDiscovery | null;
  readonly ready: Promise<void>;
}

/**
 * Every upstream's instances, kept by name across route tables: a reload or a flip keeps the
 * instances (their pools, ejections and health) of an upstream whose balancing, health and
 * discovery settings did not change, and applies its new instance list; a changed one gets a new
 * set, and the old one drains.
 */
export class UpstreamInstances {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: UpstreamInstancesDeps) {}

  of(upstream: CompiledUpstream): InstanceSet {
    const shape = shapeOf(upstream);
    const existing = this.entries.get(upstream.name);
    if (existing && existing.shape === shape) {
      if (!upstream.discover) {
        existing.set.update(upstream.instances);
        existing.probes?.follow(existing.set.list());
      }
      return existing.set;
    }
    if (existing) this.drop(existing);
    const entry = this.make(upstream, shape);
    this.entries.set(upstream.name, entry);
    return entry.set;
  }

  /** Makes or updates the set of every upstream a table is about to be served with; those that left it drain and stop. */
  prepare(table: RouteTable): void {
    for (const upstream of table.upstreams.values()) this.of(upstream);
    for (const [name, entry] of this.entries) {
      if (table.upstreams.has(name)) continue;
      this.drop(entry);
      this.entries.delete(name);
    }
  }

  /** The set of an upstream in service, by name (prepared with its table). */
  get(name: string): InstanceSet | undefined {
    return this.entries.get(name)?.set;
  }

  /** Settles when every discovery has answered once. */
  async ready(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.ready));
  }

  views(): InstanceView[] {
    return [...this.entries.values()].flatMap((e) => e.set.views());
  }

  close(): void {
    for (const entry of this.entries.values()) this.drop(entry);
    this.entries.clear();
  }

  private make(upstream: CompiledUpstream, shape: string): Entry {
    const set = new InstanceSet(upstream, this.deps);
    const log = this.deps.log;
    const check = upstream.config.healthCheck;
    const probes = check
      ? new HealthProbes(check, this.deps.random, (instance, healthy, why) => log(healthy ? 'instance healthy' : 'instance unhealthy', { upstream: upstream.name, instance: instance.key, why }))
      : null;
    probes?.follow(set.list());
    const discovery = upstream.discover
      ? new DnsDiscovery(upstream.discover, this.deps.resolver, (found) => {
          set.update(found);
          probes?.follow(set.list());
        }, log)
      : null;
    return { set, shape, probes, discovery, ready: discovery ? discovery.start() : Promise.resolve() };
  }

  private drop(entry: Entry): void {
    entry.probes?.stop();
    entry.discovery?.stop();
    entry.set.close();
  }
}

function shapeOf(u: CompiledUpstream): string {
  const c = u.config;
  return JSON.stringify([c.loadBalancing, c.outlier, c.healthCheck ?? null, u.discover, c.maxSockets, c.connectTimeoutMs]);
}
