import type { IncomingMessage } from 'node:http';
import type { CompiledRoute, CompiledTarget, CompiledUpstream } from '../config/table';
import type { Responder } from '../forwarding/forward';
import { hasBody } from '../http/framing';
import { MIRRORED_BY_DEFAULT } from '../http/methods';
import type { RequestContext } from '../pipeline/context';
import { upstreamRequestHeaders } from '../pipeline/headers';
import { capturingResponder } from './capture';
import { Exchange, sampledRequest } from './exchange';
import { callShadow, shadowHeaders, type CallResult, type ShadowRequest } from './shadow-call';
import { ShadowClients } from './shadow-clients';
import type { ShadowOutcome } from './types';

export interface MirrorLimits {
  /** Shadowed requests admitted and not yet compared; beyond it copies are dropped (and counted). */
  readonly maxPending: number;
  /** Shadow calls in flight at once; the rest of the admitted wait their turn. */
  readonly concurrency: number;
}

/** What the handler keeps for one shadowed request. */
export interface ShadowTicket {
  /** Wraps the primary's responder so that its answer is copied for the comparison. */
  wrap(inner: Responder): Responder;
  /** The client's response closed: a primary that never answered cancels the comparison. */
  closed(): void;
}

/**
 * Shadow traffic, off the response path: the same request goes to the other side (and, for a
 * sampled fraction, a second time to legacy once its first answer is in, to learn the noise),
 * through a pool of its own, with its own timeout, in a bounded queue that drops rather than
 * grows; when every answer is in, the comparison runs and its outcome is recorded. Nothing here
 * can touch the client's answer: the primary is only listened to, and every failure becomes an
 * outcome.
 */
export class ShadowMirror {
  private readonly clients: ShadowClients;
  private pending = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly record: (outcome: ShadowOutcome) => void,
    private limits: MirrorLimits,
    private readonly random: () => number = Math.random,
  ) {
    this.clients = new ShadowClients(limits.concurrency);
  }

  /** A ticket when this request is to be shadowed, else null (not sampled, a write not opted in, or dropped). */
  begin(route: CompiledRoute, primary: CompiledTarget, req: IncomingMessage, ctx: RequestContext, path: string, params: Record<string, string>, query: string): ShadowTicket | null {
    const shadow = route.shadow;
    const other = primary.side === 'legacy' ? route.new : route.legacy;
    if (!shadow || !other || primary.side === other.side) return null;
    const method = req.method ?? 'GET';
    // Writes are mirrored only when the route opts in, and never to legacy (the monolith knows no shadow marker).
    const safe = MIRRORED_BY_DEFAULT.has(method);
    if (!safe && (!shadow.config.mirrorWrites || other.side === 'legacy')) return null;
    if (this.random() >= shadow.config.sample) return null;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > shadow.config.maxBodyBytes) {
      this.record({ kind: 'body-too-large', routeId: route.id });
      return null;
    }
    if (this.pending >= this.limits.maxPending) {
      this.record({ kind: 'dropped', routeId: route.id });
      return null;
    }
    this.pending++;
    const headers = shadowHeaders(upstreamRequestHeaders(req, ctx, other.upstream));
    const exchange = new Exchange(route, primary, other, sampledRequest(method, path, headers), safe && this.random() < shadow.config.noiseSample, {
      call: (target, body, done) =>
        this.limited(
          {
            upstream: target.upstream,
            method,
            path: target.buildPath(path, params) + query,
            headers: target === other ? headers : shadowHeaders(upstreamRequestHeaders(req, ctx, target.upstream)),
            body,
            timeoutMs: shadow.config.timeoutMs,
            maxResponseBytes: shadow.config.maxResponseBytes,
          },
          done,
        ),
      record: this.record,
      finished: () => {
        this.pending--;
      },
    });
    if (!hasBody(req)) exchange.start(null);
    else {
      void readCapped(req, shadow.config.maxBodyBytes).then((b) => {
        if (b === 'aborted') return exchange.abandon(); // the client gave up mid-upload: a half-sent write is never mirrored
        if (b === 'too-large') return exchange.abandon({ kind: 'body-too-large', routeId: route.id });
        exchange.start(b);
      });
    }
    const startedAt = ctx.startedAt;
    return {
      wrap: (inner) => capturingResponder(inner, shadow.config.maxResponseBytes, startedAt, (a) => exchange.primaryAnswered(a)),
      closed: () => exchange.primaryAnswered(null),
    };
  }

  /** Admitted shadowed requests not yet compared (for tests and metrics). */
  size(): number {
    return this.pending;
  }

  /**
   * A reloaded table: its shadowing limits apply from now on (copies already admitted stay; a
   * lower maxPending drops new ones until the mirror is under it), and the shadow pools of
   * upstreams it no longer has are closed once their calls are answered.
   */
  reconfigure(limits: MirrorLimits, upstreams: Iterable<CompiledUpstream>): void {
    this.limits = limits;
    this.clients.reload(limits.concurrency, upstreams);
    while (this.inFlight < this.limits.concurrency && this.waiting.length > 0) this.waiting.shift()?.();
  }

  close(): void {
    this.clients.close();
  }

  /** Runs the call now, or once a call in flight ends when `concurrency` are. */
  private limited(request: ShadowRequest, done: (result: CallResult) => void): void {
    const run = () => {
      this.inFlight++;
      callShadow(request, this.clients, (result) => {
        this.inFlight--;
        this.waiting.shift()?.();
        done(result);
      });
    };
    if (this.inFlight < this.limits.concurrency) run();
    else this.waiting.push(run);
  }
}

/** The client's body as it streams to the primary, up to a cap; only a body that arrived whole is ever mirrored. */
function readCapped(req: IncomingMessage, cap: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.off('data', onData);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('close', () => resolve(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}
