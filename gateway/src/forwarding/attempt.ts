import type { Dispatcher } from 'undici';
import { newSpanId } from '../../../platform';
import type { AnswerControl, AnswerSink } from '../http/answer';
import { framingOf } from '../http/framing';
import { forwardedRequestHeaders, rawHeader } from '../http/headers';
import { GatewayError } from '../http/problems';
import type { WorkSpan } from '../observability/spans';
import type { Clock } from '../resilience/clock';
import type { Instance, Verdict } from './instances/instance';
import { refusal, type Call, type Done, type Outcome, type PendingAnswer, type Step } from './policy';
import { failureKind, timeoutError, upstreamFailure, type FailureKind } from './socket-errors';
import { endTrySpan, startTrySpan } from './try-span';

/** The terminal step of every chain: one try, to one of the target's instances. */
export function tryOnce(clock: Clock): Step {
  return (call, done) => new Attempt(call, done, clock).start();
}

const GONE: Outcome = Object.freeze({ kind: 'answered', status: null, error: null });
const ABANDONED = Object.assign(new Error('the request ended'), { code: 'E_ABANDONED' });

/**
 * One try of one request against one upstream, as undici's dispatch handler. The connect timeout
 * runs until a connection takes the request (waiting in the pool, then connecting); the answer
 * timeout once the whole request is sent, so that a slow upload is the client's time. A 5xx head
 * is held unread while the policies decide (retry, fall back, or pass it on); any other answer goes
 * to the call's responder, and the outcome is reported when it has been sent.
 */
class Attempt implements Dispatcher.DispatchHandlers, PendingAnswer, AnswerControl {
  status = 0;
  retryAfter: string | undefined = undefined;
  private connected = false;
  /** undici times the answer (the body, if any, went at once). */
  private timesItself = true;
  private settled = false;
  private discarding = false;
  /** The pending 5xx was passed on: its end is not reported again. */
  private passedOn = false;
  private abortCall: ((err?: Error) => void) | null = null;
  private connectTimer: NodeJS.Timeout | undefined = undefined;
  private answerTimer: NodeJS.Timeout | undefined = undefined;
  private headers: Buffer[] = [];
  private reason = '';
  private resumeBody: () => void = noop;
  private sink: AnswerSink | null = null;
  private unhook: () => void = noop;
  private counted: ((chunk: Buffer) => void) | null = null;
  private instance: Instance | null = null;
  private startedAt = 0;
  private span: WorkSpan | null = null;

  constructor(
    private readonly call: Call,
    private readonly done: Done,
    private readonly clock: Clock,
  ) {}

  start(): void {
    const { x, plan } = this.call;
    const instance = plan.instances.pick(this.call.lastInstance);
    if (instance === null) {
      const name = plan.upstream.name;
      return this.done(refusal(new GatewayError('upstream-unavailable', `upstream "${name}" has no instance to send to yet (discovery has found none)`, { upstream: name }, 1)));
    }
    this.instance = instance;
    this.startedAt = this.clock();
    this.call.lastInstance = instance;
    plan.instances.started(instance);
    this.connectTimer = setTimeout(connectTimedOut, Math.min(plan.policy.connectTimeoutMs, this.remaining()), this);
    this.unhook = x.onEnd(() => this.clientGone());
    // Each try is its own span of the request's trace: the upstream's side of it names this one as parent.
    this.span = startTrySpan(this.call, instance);
    const headers = forwardedRequestHeaders(x.req, x, x.table.tracing.propagate ? (this.span?.spanId ?? newSpanId()) : null);
    let body: Dispatcher.DispatchOptions['body'] = null;
    if (x.body !== null) {
      body = x.body;
      setField(headers, 'content-type', 'application/json');
    } else if (this.call.replay !== null) {
      body = this.call.replay;
    } else {
      const framing = framingOf(x.req);
      if (framing.kind !== 'none') {
        body = x.req;
        this.call.streamed = true;
        if (framing.kind === 'length') headers.push('content-length', String(framing.length));
        else this.countChunked();
      }
    }
    // A body sent at once lets undici time the answer (from when the request is written). A streamed
    // body is timed here, from its last byte (a slow upload is the client's time); giving up aborts.
    this.timesItself = body === null || Buffer.isBuffer(body);
    const headersTimeout = this.timesItself ? Math.min(plan.policy.timeoutMs, this.remaining()) : 0;
    instance.pool.dispatch({ path: this.call.path, method: (x.req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body, headersTimeout }, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    // Given up on already (the connect timeout, or the client left): the connection is not used.
    if (this.settled && this.sink === null) return abort(ABANDONED);
    this.connected = true;
    clearTimeout(this.connectTimer);
    this.abortCall = abort;
  }

  onRequestSent(): void {
    if (!this.settled && !this.timesItself) this.answerTimer = setTimeout(answerTimedOut, Math.min(this.call.plan.policy.timeoutMs, this.remaining()), this);
  }

  onHeaders(status: number, headers: Buffer[], resume: () => void, reason: string): boolean {
    if (status < 200 || (this.settled && this.sink === null)) return true;
    clearTimeout(this.answerTimer);
    this.status = status;
    this.headers = headers;
    this.reason = reason;
    this.resumeBody = resume;
    if (status >= 500) {
      this.retryAfter = rawHeader(headers, 'retry-after');
      const name = this.call.plan.upstream.name;
      this.settle({ kind: 'failed', failure: 'status', error: new GatewayError('upstream-error', `upstream "${name}" answered ${status}`, { upstream: name }), answer: this });
      // The policies decided at once: passed on (the answer is streaming), or not (read away).
      if (this.sink === null) this.discarding = true;
      return true;
    }
    this.open();
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.sink === null ? true : this.sink.data(chunk);
  }

  onComplete(): void {
    this.sink?.end();
  }

  onError(err: Error): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.answerTimer);
    if (this.sink !== null) return this.sink.cut(upstreamFailure(this.call.plan.upstream.name, err));
    if (this.settled) return;
    if (this.call.x.ended) return this.settle(GONE);
    this.fail(failureKind(this.connected, err), upstreamFailure(this.call.plan.upstream.name, err));
  }

  /** PendingAnswer: the held 5xx goes to the client as it is; its end is not reported again. */
  commit(): void {
    this.passedOn = true;
    this.open();
  }

  discard(): void {
    this.discarding = true;
  }

  /** AnswerControl. */
  resume(): void {
    this.resumeBody();
  }

  stop(): void {
    this.abortCall?.(ABANDONED);
  }

  /** The answer goes to the responder; the outcome is reported once it has been sent. */
  private open(): void {
    this.sink = this.call.respond(this.call.x, (error) => {
      if (this.passedOn) {
        if (error) this.call.x.error = error;
        return this.release();
      }
      this.settle({ kind: 'answered', status: this.status, error });
    });
    this.sink.head(this.status, this.reason, this.headers, this);
  }

  /** Gives up on this try (a timeout): the call is abandoned, the failure reported. */
  giveUp(kind: FailureKind, cause: NodeJS.ErrnoException): void {
    if (this.settled) return;
    // Reported first: aborting makes undici report the abort, which must not pass for the failure.
    this.fail(kind, upstreamFailure(this.call.plan.upstream.name, cause));
    this.abortCall?.(ABANDONED);
  }

  private fail(kind: FailureKind, error: GatewayError): void {
    this.settle({ kind: 'failed', failure: kind, error, answer: null });
  }

  private clientGone(): void {
    if (this.settled || this.call.x.res.writableFinished) return;
    this.settle(GONE);
    this.abortCall?.(ABANDONED);
  }

  /** A chunked body is counted as it streams: past the limit, the try ends and the client gets 413. */
  private countChunked(): void {
    const { x } = this.call;
    const limit = x.table.limits.maxBodyBytes;
    let seen = 0;
    this.counted = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit || this.settled) return;
      this.settle({ kind: 'answered', status: null, error: null });
      this.abortCall?.(ABANDONED);
      x.refuse(new GatewayError('payload-too-large', `request body exceeds the limit of ${limit} bytes`), true);
    };
    x.req.on('data', this.counted);
  }

  private settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.release();
    if (this.instance) this.call.plan.instances.finished(this.instance, verdictOf(outcome), this.clock() - this.startedAt);
    if (this.span) endTrySpan(this.span, outcome, this.status);
    this.done(outcome);
  }

  private release(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.answerTimer);
    this.unhook();
    if (this.counted) this.call.x.req.off('data', this.counted);
  }

  private remaining(): number {
    return Math.max(1, this.call.deadlineAt - this.clock());
  }
}

function connectTimedOut(a: Attempt): void {
  a.giveUp('connect', timeoutError('E_CONNECT_TIMEOUT'));
}

function answerTimedOut(a: Attempt): void {
  a.giveUp('timeout', timeoutError('E_RESPONSE_TIMEOUT'));
}

/** Replaces every value of a field in a flat name/value list with one value. */
function setField(headers: string[], lower: string, value: string): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) if ((headers[i] as string).toLowerCase() === lower) headers.splice(i, 2);
  headers.push(lower, value);
}

/** What an outcome says about the instance: a 5xx or a failed connection counts against it, a client that left says nothing. */
function verdictOf(outcome: Outcome): Verdict {
  if (outcome.kind === 'failed') return outcome.failure === 'refused' ? 'neutral' : 'failure';
  if (outcome.status === null) return 'neutral';
  return outcome.status >= 500 ? 'failure' : 'success';
}

function noop(): void {}
