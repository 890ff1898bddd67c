import http from 'node:http';
import https from 'node:https';
import type { CompiledUpstream } from '../config/table';

/** What makes two upstreams share a connection pool: the same name, origin and pool size. */
export function poolKey(upstream: CompiledUpstream): string {
  return `${upstream.name} ${upstream.origin.origin} ${upstream.config.maxSockets}`;
}

/**
 * Keep-alive connection pools, one per upstream origin. A reloaded table with the same upstream
 * keeps its warm pool; pools of upstreams that left the table are closed when the table changes.
 */
export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();

  get(upstream: CompiledUpstream): http.Agent {
    const key = poolKey(upstream);
    let agent = this.agents.get(key);
    if (!agent) {
      const options: http.AgentOptions = { keepAlive: true, maxSockets: upstream.config.maxSockets, maxFreeSockets: 64, scheduling: 'lifo' };
      agent = upstream.origin.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes pools whose upstream is not in `keep`. */
  retain(keep: Iterable<CompiledUpstream>): void {
    const live = new Set([...keep].map(poolKey));
    for (const [key, agent] of this.agents) {
      if (!live.has(key)) {
        agent.destroy();
        this.agents.delete(key);
      }
    }
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
