import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from '../config/pattern';
import type { DroppedItem } from '../config/mapping';
import type { CompiledRoute, CompiledTarget, RouteTable } from '../config/table';
import type { AnswerSink } from '../http/answer';
import type { RequestSpan } from '../observability/spans';
import type { ForwardingIdentity } from '../http/headers';
import { GatewayError, sendProblem } from '../http/problems';

/** A step of the request pipeline: it works on the exchange, then calls `x.next()` or answers. */
export type Stage = (x: Exchange) => void;

/** Told once how an answer ended: null when it reached the client whole. */
export type Finished = (error: GatewayError | null) => void;

/**
 * How an upstream's answer reaches the client: made per try that answers, fed by the HTTP
 * client's callbacks (streamed, translated, composed with parts, copied for a shadow).
 */
export type Responder = (x: Exchange, finished: Finished) => AnswerSink;

const NO_PARAMS: Params = Object.freeze({});
const ENDED = Object.freeze({ reason: 'request ended' });

/**
 * One request through the gateway: what each stage learned about it, in the order the stages
 * run, and the one end signal that everything waiting on its behalf listens to. Fields rather
 * than a bag of closures: this object is made for every request.
 */
export class Exchange implements ForwardingIdentity {
  requestId = '';
  /** The TCP peer. */
  peer = '';
  /** True when the peer is a trusted proxy, so its X-Forwarded-* are believed. */
  peerTrusted = false;
  /** The client as best known: the peer, or from X-Forwarded-For through trusted proxies only. */
  clientIp = '';
  /** The W3C trace this request is part of: the trusted caller's, or one started here. */
  traceId = '';
  /** The gateway's own span for the request: the parent of every try and copy it sends. */
  spanId = '';
  /** The caller's span when the trace was continued, else ''. */
  parentSpanId = '';
  traceFlags = '01';
  /** A trusted caller's `tracestate`, passed on untouched; null when none. */
  traceState: string | null = null;
  /** The request's span when tracing is on (its id is `spanId`), else null. */
  span: RequestSpan | null = null;
  readonly startedAt = process.hrtime.bigint();
  /** Wall-clock receipt time (ms since epoch): the `$now` that translations see. */
  readonly receivedAt = Date.now();
  /** The normalised path (`-` until known), its segments, and the query with its `?` (or ''). */
  path = '-';
  segments: readonly string[] = [];
  query = '';
  route: CompiledRoute | null = null;
  params: Params = NO_PARAMS;
  /** The side that answers, legacy when new may fail over to it, and why that side. */
  target: CompiledTarget | null = null;
  fallback: CompiledTarget | null = null;
  decidedBy: 'mode' | 'canary' | 'forced' = 'mode';
  /** A translated write body, sent instead of the client's. */
  body: Buffer | null = null;
  /** How the primary's answer reaches the client, when a stage chose other than the target's own. */
  respond: Responder | null = null;
  // For the request log.
  upstream = '-';
  error: GatewayError | null = null;
  fellBackFrom: string | null = null;
  degraded: string | null = null;
  /** Items a translation's `drop` policy left out of the answer (x-strangler-dropped), for the log and metrics. */
  dropped: { readonly mapping: string; readonly items: readonly DroppedItem[] } | null = null;
  private at = -1;
  private hooks: (() => void)[] | null = null;
  private controller: AbortController | null = null;
  private over = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The table in service when the request arrived: read once, so that a swap never splits a request. */
    readonly table: RouteTable,
    private readonly stages: readonly Stage[],
  ) {}

  /**
   * Runs the next stage. A stage that throws is a gateway bug: this request gets a 500 naming it
   * (and the request log the error), the process and the other requests carry on.
   */
  next(): void {
    const stage = this.stages[++this.at];
    if (!stage) return;
    try {
      stage(this);
    } catch (e) {
      this.refuse(new GatewayError('internal-error', e instanceof Error ? e.message : String(e)));
    }
  }

  /** Answers with a problem (and closes the connection when `close`); no later stage runs. */
  refuse(error: GatewayError, close = false): void {
    this.error = error;
    sendProblem(this.res, error, this.requestId, close);
  }

  /** True once the client's response has closed, answered or abandoned. */
  get ended(): boolean {
    return this.over;
  }

  /**
   * Runs `hook` when the response closes (finished, or the client left): the one place where
   * waits, upstream calls and parts hear that the request is over. Returns the way to unregister.
   */
  onEnd(hook: () => void): () => void {
    if (this.over) {
      hook();
      return noop;
    }
    (this.hooks ??= []).push(hook);
    return () => {
      const hooks = this.hooks;
      const i = hooks ? hooks.indexOf(hook) : -1;
      if (i !== -1) hooks!.splice(i, 1);
    };
  }

  /**
   * The request's AbortSignal, for waits that take one (a bulkhead queue). Made on first use: an
   * AbortController costs microseconds, and most requests never wait.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.over) this.controller.abort(ENDED);
    }
    return this.controller.signal;
  }

  /** The response closed: every end hook runs, once. */
  end(): void {
    if (this.over) return;
    this.over = true;
    this.controller?.abort(ENDED);
    const hooks = this.hooks;
    this.hooks = null;
    if (hooks) for (const hook of hooks) hook();
  }
}

function noop(): void {}
