import type { IncomingMessage } from 'node:http';
import { newSpanId } from '../../../platform';
import type { CompiledUpstream } from '../config/table';
import type { InstanceSet } from '../forwarding/instances/instance-set';
import { hasBody } from '../http/framing';
import { forwardedRequestHeaders } from '../http/headers';
import { MIRRORED_BY_DEFAULT } from '../http/methods';
import type { Exchange, Stage } from '../pipeline/exchange';
import { capturingResponder } from './capture';
import { CopySpan } from './copy-span';
import { ShadowExchange, sampledRequest } from './exchange';
import { callShadow, shadowHeaders, type CallResult, type ShadowRequest } from './shadow-call';
import { ShadowClients } from './shadow-clients';
import type { ShadowOutcome } from './types';

export interface MirrorLimits {
  /** Shadowed requests admitted and not yet compared; beyond it copies are dropped (and counted). */
  readonly maxPending: number;
  /** Shadow calls in flight at once; the rest of the admitted wait their turn. */
  readonly concurrency: number;
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
    /** An upstream's instances: a copy goes to one of them, picked as a primary's try would be. */
    private readonly instances: (upstream: CompiledUpstream) => InstanceSet | null,
    private readonly random: () => number = Math.random,
  ) {
    this.clients = new ShadowClients(limits.concurrency);
  }

  /**
   * Stage `shadow`: a request the route shadows (mode shadow, or a reverse shadow in mode new; a
   * forced request is a debugging call, not traffic to compare) gets its copy, and the primary's
   * answer is listened to for the comparison.
   */
  readonly stage: Stage = (x: Exchange) => {
    const route = x.route!;
    if (route.shadow && x.decidedBy !== 'forced' && (route.mode === 'shadow' ? x.target!.side === 'legacy' : route.mode === 'new' && route.shadow.config.reverse)) this.begin(x);
    x.next();
  };

  /** Mirrors one request, unless it is not sampled, a write not opted in, or dropped; true when a copy was taken. */
  begin(x: Exchange): boolean {
    const route = x.route!;
    const primary = x.target!;
    const shadow = route.shadow;
    const other = primary.side === 'legacy' ? route.new : route.legacy;
    if (!shadow || !other || primary.side === other.side) return false;
    const { req } = x;
    const method = req.method ?? 'GET';
    // Writes are mirrored only when the route opts in, and never to legacy (the monolith knows no shadow marker).
    const safe = MIRRORED_BY_DEFAULT.has(method);
    if (!safe && (!shadow.config.mirrorWrites || other.side === 'legacy')) return false;
    if (this.random() >= shadow.config.sample) return false;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > shadow.config.maxBodyBytes) {
      this.record({ kind: 'body-too-large', routeId: route.id });
      return false;
    }
    if (this.pending >= this.limits.maxPending) {
      this.record({ kind: 'dropped', routeId: route.id });
      return false;
    }
    this.pending++;
    // The copy is part of the request's trace, as a span of its own (linked to the request's when traced).
    const span = CopySpan.start(x, route, other, method);
    const headers = shadowHeaders(forwardedRequestHeaders(req, x, x.table.tracing.propagate ? (span?.spanId ?? newSpanId()) : null));
    const exchange = new ShadowExchange(route, primary, other, sampledRequest(method, x.path, headers), safe && this.random() < shadow.config.noiseSample, {
      call: (target, body, done) =>
        this.limited(
          { upstream: target.upstream, origin: null, method, path: target.buildPath(x.path, x.params) + x.query, headers, body, timeoutMs: shadow.config.timeoutMs, maxResponseBytes: shadow.config.maxResponseBytes },
          span === null || target !== other ? done : (result) => (span.answered(result), done(result)),
        ),
      record: span === null ? this.record : (outcome) => (span.recorded(outcome), this.record(outcome)),
      finished: () => {
        this.pending--;
        span?.end();
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
    x.respond = capturingResponder(x.respond!, shadow.config.maxResponseBytes, (a) => exchange.primaryAnswered(a));
    // A primary that never answered cancels the comparison.
    x.onEnd(() => exchange.primaryAnswered(null));
    return true;
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
  private limited(unsent: Omit<ShadowRequest, 'origin'> & { origin: null }, done: (result: CallResult) => void): void {
    const run = () => {
      // Picked when the copy leaves, not when it is queued: the instances may have changed since.
      const instance = this.instances(unsent.upstream)?.pick(null);
      if (!instance) return done({ ok: false, timeout: false, detail: `upstream "${unsent.upstream.name}" has no instance`, ms: 0 });
      const request: ShadowRequest = { ...unsent, origin: instance.origin };
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
