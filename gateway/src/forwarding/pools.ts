import { Pool } from 'undici';
import type { CompiledUpstream } from '../config/table';

/** What makes two upstreams share a connection pool: the same name, origin, pool size and connect timeout. */
export function poolKey(upstream: CompiledUpstream): string {
  return `${upstream.name} ${upstream.origin.origin} ${upstream.config.maxSockets} ${upstream.config.connectTimeoutMs}`;
}

/**
 * Keep-alive connection pools, one per upstream, through undici: the fastest HTTP/1.1 client Node
 * has, which also frames every body it sends (its length, or chunked) whatever the method. Its
 * own header and body timeouts are off: the gateway's policies time each try (connect, then the
 * answer once the request is sent), so that a slow upload is the client's time, not the
 * upstream's. A reloaded table with the same upstream keeps its warm pool; pools of upstreams
 * that left the table close once their requests are answered.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  get(upstream: CompiledUpstream): Pool {
    const key = poolKey(upstream);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(upstream.origin.origin, {
        connections: upstream.config.maxSockets,
        pipelining: 1,
        keepAliveTimeout: 4_000,
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: upstream.config.connectTimeoutMs },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes the pools whose upstream is not in `keep`, once their requests are answered. */
  retain(keep: Iterable<CompiledUpstream>): void {
    const live = new Set([...keep].map(poolKey));
    for (const [key, pool] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  /** Stops every pool now: requests still in flight fail. */
  destroy(): void {
    for (const pool of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}
