import type { Socket } from 'node:net';
import { buildConnector, Pool, type Dispatcher } from 'undici';
import type { CompiledUpstream } from '../config/table';
import type { UpstreamOrigin } from '../config/upstream-url';

/**
 * Requests written back to back on one shadow connection before the first answer is back. A copy
 * is a small request whose answer is only compared, so several share a write and a read instead
 * of a socket round trip each: on a loaded gateway this halves what a mirrored request costs.
 * Only GET and HEAD are pipelined; a mirrored write waits for its connection to be idle.
 */
export const SHADOW_PIPELINING = 8;

/**
 * The shadow side's connections, one undici pool per upstream, apart from the primary's pools so
 * that copies never queue in front of clients. Sized from the mirror's concurrency: at most
 * `concurrency` calls are in flight, so that many pipelined places are enough, and never more
 * connections than the upstream's own `maxSockets`.
 */
export class ShadowClients {
  /** By upstream and instance origin; `connections` is what the pool was sized for. */
  private readonly pools = new Map<string, { readonly pool: Pool; readonly connections: number; readonly upstream: string; readonly origin: string }>();
  private readonly sockets = new Set<Socket>();
  private readonly connector = buildConnector({});
  private corked: Socket[] | null = null;
  private dispatchedWhileHeld = false;

  constructor(private concurrency: number) {}

  /**
   * Sends a call. Calls sent in the same turn of the event loop (the copies of every answer that
   * came in during it) leave in one write per connection: each connection is corked until the
   * turn is over. On a loaded gateway the socket writes were most of what a copy cost.
   */
  dispatch(upstream: CompiledUpstream, origin: UpstreamOrigin, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): void {
    this.holdWrites();
    this.dispatchedWhileHeld = true;
    this.pool(upstream, origin).dispatch(options, handler);
  }

  /**
   * Holds the writes of the rest of this turn. Also called when a call ends: undici writes the
   * calls that were waiting for a pipelined place right after it hands over an answer, and those
   * too should leave together.
   */
  holdWrites(): void {
    if (this.corked !== null) return;
    const corked = (this.corked = [...this.sockets]);
    for (const socket of corked) socket.cork();
    const release = (again: boolean) => {
      // A connection that was idle writes in an immediate of undici's own, queued during the
      // dispatch (it first lets a close from the server arrive) and so perhaps after this one:
      // after a dispatch, wait one more turn (once) so that those writes still find it corked.
      if (again && this.dispatchedWhileHeld) {
        setImmediate(release, false);
        return;
      }
      this.dispatchedWhileHeld = false;
      this.corked = null;
      for (const socket of corked) socket.uncork();
    };
    setImmediate(release, true);
  }

  /**
   * A reloaded table: pools are sized from its shadow concurrency from now on, and the pools of
   * upstreams (or instances) that left it, or sized for another concurrency, are closed. The calls already sent
   * on them are answered first; a call still waiting in the mirror's queue for an upstream that
   * left opens a pool again, closed at the next reload.
   */
  reload(concurrency: number, keep: Iterable<CompiledUpstream>): void {
    this.concurrency = concurrency;
    // Instances found in DNS are not known here: their upstream's pools are kept while it is.
    const live = new Map([...keep].map((u) => [u.name, { connections: this.connections(u), origins: u.discover ? null : new Set(u.instances.map((i) => i.origin.origin)) }]));
    for (const [key, entry] of this.pools) {
      const now = live.get(entry.upstream);
      if (now && now.connections === entry.connections && (now.origins === null || now.origins.has(entry.origin))) continue;
      this.pools.delete(key);
      void entry.pool.close().catch(() => undefined);
    }
  }

  private connections(upstream: CompiledUpstream): number {
    return Math.max(1, Math.min(upstream.config.maxSockets, Math.ceil(this.concurrency / SHADOW_PIPELINING)));
  }

  private pool(upstream: CompiledUpstream, origin: UpstreamOrigin): Pool {
    const key = `${upstream.name} ${origin.origin}`;
    const entry = this.pools.get(key);
    if (entry) return entry.pool;
    const connections = this.connections(upstream);
    const pool = new Pool(origin.origin, {
      connections,
      pipelining: SHADOW_PIPELINING,
      connect: (options, callback) =>
        this.connector(options, (...result) => {
          const socket = result[1];
          if (socket) {
            this.sockets.add(socket);
            socket.once('close', () => this.sockets.delete(socket));
          }
          callback(...result);
        }),
    });
    this.pools.set(key, { pool, connections, upstream: upstream.name, origin: origin.origin });
    return pool;
  }

  close(): void {
    for (const { pool } of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
    this.sockets.clear();
  }
}
