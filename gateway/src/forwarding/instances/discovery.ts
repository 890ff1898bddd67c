import type { DiscoverConfig } from '../../config/instances-schema';
import type { CompiledInstance } from '../../config/table';
import { checkUpstreamUrl } from '../../config/upstream-url';
import { instanceKey } from '../../config/upstreams';

/** What discovery asks of a resolver: node's `dns.promises.Resolver` has it. */
export interface AddressResolver {
  resolve4(name: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolve6(name: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
}

/**
 * Instances found in DNS: the name's A and AAAA records, resolved in the background again after
 * `refreshMs` or the records' TTL if sooner (never below a second), and never per request. An
 * address the gateway refuses as an upstream (link-local, metadata) is skipped and logged. A
 * failed lookup keeps the instances last found: a DNS hiccup must not empty an upstream.
 */
export class DnsDiscovery {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly discover: DiscoverConfig,
    private readonly resolver: AddressResolver,
    private readonly found: (instances: readonly CompiledInstance[]) => void,
    private readonly log: (message: string, fields: object) => void,
  ) {}

  /** Resolves now, then keeps resolving; the first answer is awaited so that a starting gateway has instances. */
  async start(): Promise<void> {
    await this.lookup();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async lookup(): Promise<void> {
    const { dns, port, protocol } = this.discover;
    const [v4, v6] = await Promise.all([this.resolver.resolve4(dns, { ttl: true }).catch(() => null), this.resolver.resolve6(dns, { ttl: true }).catch(() => null)]);
    const records = [...(v4 ?? []), ...(v6 ?? [])];
    if (this.stopped) return;
    if (v4 === null && v6 === null) this.log('instance discovery failed', { dns, keeping: 'the instances found before' });
    else {
      const instances: CompiledInstance[] = [];
      for (const r of records) {
        const host = r.address.includes(':') ? `[${r.address}]` : r.address;
        const origin = checkUpstreamUrl(`${protocol}://${host}:${port}`);
        if (typeof origin === 'string') this.log('discovered address refused', { dns, address: r.address, why: origin });
        else instances.push({ origin, weight: 1, key: instanceKey(origin.hostname, origin.port) });
      }
      this.found(instances);
    }
    const ttlMs = records.length > 0 ? Math.min(...records.map((r) => r.ttl)) * 1_000 : Infinity;
    this.timer = setTimeout(() => void this.lookup(), Math.max(1_000, Math.min(this.discover.refreshMs, ttlMs)));
    this.timer.unref();
  }
}
