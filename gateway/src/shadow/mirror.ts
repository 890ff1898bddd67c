import type { IncomingMessage } from 'node:http';
import type { CompiledRoute, CompiledTarget } from '../config/table';
import { hasBody, type Responder } from '../forwarding/forward';
import type { RequestContext } from '../pipeline/context';
import { upstreamRequestHeaders } from '../pipeline/headers';
import { capturingResponder } from './capture';
import { compareAnswers } from './compare';
import { callShadow, shadowHeaders, type CalledAnswer, type CallResult, type ShadowHeaders, type ShadowRequest } from './shadow-call';
import { ShadowClients } from './shadow-clients';
import type { SampledRequest, ShadowOutcome } from './types';

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

const SAFE = new Set(['GET', 'HEAD']);

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
    private readonly limits: MirrorLimits,
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
    const safe = SAFE.has(method);
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

interface ExchangeDeps {
  call(target: CompiledTarget, body: Buffer | null, done: (result: CallResult) => void): void;
  record(outcome: ShadowOutcome): void;
  /** Called once, when the exchange has recorded its outcome or was abandoned. */
  finished(): void;
}

/**
 * One shadowed request: the primary's answer (as the client got it), the copy's answer and, when
 * sampled for noise, a second legacy answer. The second legacy read follows the first one's
 * answer, as a later client's would: what differs between the two (a stamp of the request time
 * among them) is the noise. Once all three are in, the comparison runs and its outcome is
 * recorded. Plain callbacks rather than a chain of promises: this runs for every shadowed request.
 */
class Exchange {
  /** undefined: not yet answered; null: no answer (the primary failed, or no second read). */
  private first: CalledAnswer | null | undefined = undefined;
  private mirrored: CallResult | undefined = undefined;
  private second: CallResult | null | undefined;
  private over = false;

  constructor(
    private readonly route: CompiledRoute,
    private readonly primary: CompiledTarget,
    private readonly other: CompiledTarget,
    private readonly request: SampledRequest,
    private readonly noise: boolean,
    private readonly deps: ExchangeDeps,
  ) {
    this.second = noise ? undefined : null;
  }

  /** The request body (when any) arrived whole: the copy goes out. */
  start(body: Buffer | null): void {
    this.deps.call(this.other, body, (result) => {
      this.mirrored = result;
      // Reverse shadow: the copy is the first legacy read.
      if (this.noise && this.other.side === 'legacy') this.secondRead(result.ok);
      this.settle();
    });
  }

  /** The primary's answer as the client got it; null when it did not complete. Only the first call counts. */
  primaryAnswered(answer: CalledAnswer | null): void {
    if (this.first !== undefined) return;
    this.first = answer;
    if (this.noise && this.primary.side === 'legacy') this.secondRead(answer !== null);
    this.settle();
  }

  /** Nothing is compared (the body could not be mirrored); `outcome` is recorded when given. */
  abandon(outcome?: ShadowOutcome): void {
    if (outcome) this.deps.record(outcome);
    this.end();
  }

  private secondRead(firstAnswered: boolean): void {
    if (!firstAnswered) {
      this.second = null;
      return;
    }
    const legacy = this.primary.side === 'legacy' ? this.primary : this.other;
    this.deps.call(legacy, null, (result) => {
      this.second = result;
      this.settle();
    });
  }

  private settle(): void {
    const { first, mirrored, second } = this;
    if (this.over || first === undefined || mirrored === undefined || second === undefined) return;
    if (first === null) return this.end(); // the primary failed: the client saw the gateway's error, nothing to compare
    const answers = this.primary.side === 'legacy' ? { legacy: ok(first), fresh: mirrored, noise: second } : { legacy: mirrored, fresh: ok(first), noise: second };
    compareAnswers(this.route, this.request, answers)
      .then(this.deps.record, (e: unknown) => this.deps.record({ kind: 'compare-error', routeId: this.route.id, detail: e instanceof Error ? e.message : String(e) }))
      .finally(() => this.end());
  }

  private end(): void {
    if (this.over) return;
    this.over = true;
    this.deps.finished();
  }
}

function ok(answer: CalledAnswer): CallResult {
  return { ok: true, answer };
}

/** The mirrored request as a sample shows it; its header values are joined only if a sample is kept (the recorder redacts secrets before storing). */
function sampledRequest(method: string, path: string, headers: ShadowHeaders): SampledRequest {
  let joined: Record<string, string> | null = null;
  return {
    method,
    path,
    get headers() {
      return (joined ??= redactable(headers));
    },
  };
}

/** Header values as plain strings, ready for a sample (the recorder redacts secrets before storing). */
function redactable(headers: ShadowHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
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
