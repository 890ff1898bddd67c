import type { CompiledUpstream } from '../config/table';
import { GatewayError, sendProblem } from '../pipeline/problems';
import type { Release } from '../resilience/bulkhead';
import { BulkheadFullError, isBulkheadFull } from '../resilience/bulkhead';
import type { Permit } from '../resilience/breaker';
import type { Clock, Random } from '../resilience/clock';
import type { CompiledFallback, TargetPolicy } from '../resilience/policy';
import type { ResilienceRegistry } from '../resilience/registry';
import { retryAfterSeconds } from '../resilience/retry-after';
import { planRetry } from '../resilience/retry-plan';
import type { AgentPool } from './agents';
import { SAFE_METHODS } from '../http/methods';
import { FALLBACK_HEADER, sendStaticFallback } from './fallback-answer';
import { hasBody } from '../http/framing';
import { forward, type AttemptFailure, type ForwardOutcome, type Forwarding } from './forward';
import { readReplayableBody } from './replay-body';

/** Counted on /metrics: what the resilience layer did, and to whom (an upstream or a route). */
export type ResilienceEvent = 'retry' | 'budget-exhausted' | 'circuit-open' | 'bulkhead-full' | 'fallback' | 'deadline' | 'part-dropped';

export interface ResilientDeps {
  readonly agents: AgentPool;
  readonly registry: ResilienceRegistry;
  readonly clock: Clock;
  readonly random: Random;
  readonly event?: (event: ResilienceEvent, subject: string) => void;
}

/** What the resilience layer needs of the route and side that answer. */
export interface ResiliencePlan {
  readonly routeId: string;
  readonly policy: TargetPolicy;
  readonly fallback: CompiledFallback | null;
}

/** Failures that are the upstream's doing, for the breaker (a client that left, or a bad translation, is not). */
const UPSTREAM_FAULTS: ReadonlySet<string> = new Set(['upstream-unreachable', 'upstream-reset', 'upstream-timeout', 'upstream-error']);

/**
 * One request to one upstream, with the policies around it: route and upstream bulkheads, the
 * circuit breaker (asked before every try), tries bounded by the deadline with backoff and full
 * jitter within the retry budget, and the fallbacks when the upstream cannot answer. The slots
 * are held until the answer has been sent; `done` is called once.
 */
/**
 * The abort reason for a request whose waits are over. A constant: `abort()` without a reason builds
 * a DOMException with a stack trace, on every request, which showed in the gateway's profile.
 */
const ENDED = Object.freeze({ reason: 'request ended' });

export function forwardResilient(f: Forwarding, plan: ResiliencePlan, deps: ResilientDeps, done: (outcome: ForwardOutcome) => void): void {
  const { req, res, ctx, upstream } = f;
  const { policy } = plan;
  const method = req.method ?? 'GET';
  const deadlineAt = deps.clock() + policy.deadlineMs;
  const policies = deps.registry.upstream(upstream);
  // Made only when a wait needs one: an AbortController per request showed in the gateway's profile.
  let stop: AbortController | null = null;
  const signal = (): AbortSignal => (stop ??= new AbortController()).signal;
  const releases: Release[] = [];
  let finished = false;
  let trying = false;
  let backoff: NodeJS.Timeout | undefined;
  /** The request's breaker permit; released at the end unless judged (a permit counts once). */
  let held: Permit | undefined;
  // The body must wait for the try that sends it: the policies decide asynchronously, and a body
  // already flowing (to a shadow copy, say) would lose its first chunks before the pipe is attached.
  if (!f.body && hasBody(req)) req.pause();
  const deadline = setTimeout(() => stop?.abort(ENDED), policy.deadlineMs);
  const onClose = () => {
    if (!res.writableFinished && !trying) finish({});
  };
  res.on('close', onClose);

  function finish(outcome: ForwardOutcome, notify = true): void {
    if (finished) return;
    finished = true;
    stop?.abort(ENDED);
    clearTimeout(deadline);
    clearTimeout(backoff);
    res.off('close', onClose);
    for (const release of releases) release();
    held?.release();
    if (notify) done(outcome);
  }

  async function start(): Promise<void> {
    try {
      if (policy.routeBulkhead) {
        const routeBulkhead = deps.registry.route(plan.routeId, policy.routeBulkhead);
        if (routeBulkhead.full) throw new BulkheadFullError('bulkhead full');
        hold(routeBulkhead.tryAcquire() ?? (await routeBulkhead.acquire(signal())));
      }
      if (policies.bulkhead.full && !finished) throw new BulkheadFullError('bulkhead full');
      if (!finished) hold(policies.bulkhead.tryAcquire() ?? (await policies.bulkhead.acquire(signal())));
    } catch (e) {
      if (finished) return;
      if (!isBulkheadFull(e)) throw e;
      deps.event?.('bulkhead-full', policy.routeBulkhead ? plan.routeId : upstream.name);
      return degrade(new GatewayError('bulkhead-full', `too many requests in progress for upstream "${upstream.name}" (route "${plan.routeId}")`, { upstream: upstream.name }, 1));
    }
    if (finished) return;
    let replayBody: Buffer | undefined;
    let repeatable = policy.idempotent.has(method) && (f.body !== undefined || !hasBody(req));
    if (policy.idempotent.has(method) && !repeatable) {
      const reading = readReplayableBody(req);
      const read = reading && (await reading);
      if (read === 'gone') return finish({});
      if (read) {
        replayBody = read;
        repeatable = true;
      }
    }
    // One breaker permit per request, not per try: retries of one request are one failure, so a
    // dead upstream trips the breaker after `consecutiveFailures` requests, not a third of them.
    const admission = policies.breaker.admit();
    if (!admission.ok) {
      deps.event?.('circuit-open', upstream.name);
      return degrade(new GatewayError('circuit-open', `upstream "${upstream.name}" keeps failing: its circuit is open`, { upstream: upstream.name }, retryAfterSeconds(admission.retryAfterMs)));
    }
    held = admission.permit;
    policies.budget.request();
    attempt(0, repeatable, replayBody, admission.permit);
  }

  function hold(release: Release): void {
    if (finished) release();
    else releases.push(release);
  }

  function attempt(retries: number, repeatable: boolean, replayBody: Buffer | undefined, permit: Permit): void {
    if (finished) return permit.release();
    const remaining = () => Math.max(1, deadlineAt - deps.clock());
    let delayMs: number | undefined;
    let answer: GatewayError | undefined;
    let fallBack = false;
    const takeOver = (failure: AttemptFailure): boolean => {
      const status = failure.kind === 'status' ? failure.response.statusCode : undefined;
      const retryAfter = failure.kind === 'status' ? failure.response.headers['retry-after'] : undefined;
      const next = planRetry(
        { kind: failure.kind, ...(status !== undefined ? { status } : {}), ...(retryAfter !== undefined ? { retryAfter } : {}) },
        { config: policy.retry, retries, repeatable, remainingMs: deadlineAt - deps.clock(), budget: policies.budget, random: deps.random, nowEpochMs: Date.now() },
      );
      if (next.retry) {
        delayMs = next.delayMs;
        deps.event?.('retry', upstream.name);
        return true;
      }
      if (next.why === 'budget') deps.event?.('budget-exhausted', upstream.name);
      answer = failure.kind === 'timeout' && deadlineAt - deps.clock() <= 1 ? deadlineError(upstream, policy.deadlineMs, retries + 1) : failure.error;
      if (answer.code === 'upstream-timeout') deps.event?.('deadline', upstream.name);
      fallBack = canFallBack();
      return fallBack || failure.kind !== 'status';
    };
    // Written out rather than spread: this object is made per request. The fallback is handled here, not by the try.
    const tryF: Forwarding = {
      req,
      res,
      ctx,
      upstream,
      path: f.path,
      maxBodyBytes: f.maxBodyBytes,
      body: f.body,
      respond: f.respond,
      replayBody,
      timeouts: { connectMs: Math.min(policy.connectTimeoutMs, remaining()), responseMs: () => Math.min(policy.timeoutMs, remaining()) },
      takeOver,
    };
    trying = true;
    forward(tryF, deps.agents, (outcome) => {
      trying = false;
      if (delayMs !== undefined && !finished) {
        backoff = setTimeout(() => attempt(retries + 1, repeatable, replayBody, permit), delayMs);
        return;
      }
      judge(permit, outcome);
      if (!outcome.tookOver || finished) return finish(outcome);
      const error = answer ?? outcome.error ?? new GatewayError('upstream-unavailable', `upstream "${upstream.name}" failed`);
      if (fallBack) return degrade(error);
      sendProblem(res, error, ctx.requestId);
      finish({ error });
    });
  }

  function judge(permit: Permit, outcome: ForwardOutcome): void {
    const breaker = upstream.config.breaker;
    if (outcome.status !== undefined) return breaker.failureStatuses.includes(outcome.status) ? permit.failure() : permit.success();
    if (outcome.error && UPSTREAM_FAULTS.has(outcome.error.code)) return permit.failure();
    permit.release();
  }

  function canFallBack(): boolean {
    // Safe methods only: an answer to a write must come from whoever did the write.
    return SAFE_METHODS.has(method) && !res.headersSent && (f.fallback !== undefined || plan.fallback !== null);
  }

  /** The primary cannot answer: a fallback does if there is one, else the problem. */
  function degrade(error: GatewayError): void {
    if (canFallBack()) {
      deps.event?.('fallback', plan.routeId);
      res.setHeader(FALLBACK_HEADER, error.code);
      const to = plan.fallback;
      if (f.fallback) {
        finish({ error });
        return f.fallback(error);
      }
      if (to?.kind === 'static') {
        sendStaticFallback(res, to.status, to.body, ctx.requestId, error.code, method === 'HEAD');
        return finish({});
      }
      if (to?.kind === 'upstream') {
        finish({}, false);
        return forwardResilient({ ...f, upstream: to.upstream }, { routeId: plan.routeId, policy: to.policy, fallback: null }, deps, done);
      }
    }
    sendProblem(res, error, ctx.requestId);
    finish({ error });
  }

  start().catch((e: unknown) => {
    const error = new GatewayError('internal-error', e instanceof Error ? e.message : String(e));
    if (!finished) sendProblem(res, error, ctx.requestId);
    finish({ error });
  });
}

function deadlineError(upstream: CompiledUpstream, deadlineMs: number, tries: number): GatewayError {
  return new GatewayError('upstream-timeout', `upstream "${upstream.name}" did not answer within its ${deadlineMs} ms deadline (${tries} ${tries === 1 ? 'try' : 'tries'})`, { upstream: upstream.name });
}
