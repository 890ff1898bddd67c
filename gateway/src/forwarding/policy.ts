import type { TargetPolicy } from '../config/policy';
import type { CompiledUpstream } from '../config/table';
import type { GatewayError } from '../http/problems';
import type { Exchange, Responder } from '../pipeline/exchange';
import type { Instance } from './instances/instance';
import type { InstanceSet } from './instances/instance-set';
import type { FailureKind } from './socket-errors';

/** A failed try's answer head (a 5xx), held unread while the policies decide what becomes of it. */
export interface PendingAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  /** Passes it to the client as it is. */
  commit(): void;
  /** Reads it away unseen (a retry or a fallback answers instead). */
  discard(): void;
}

/**
 * How a request's way to an upstream ended. `answered`: the client got an answer (status null when
 * it left first or the gateway itself refused the body). `failed`: nothing reached the client yet,
 * so an outer policy may still retry, fall back, or pass the failure on.
 */
export type Outcome =
  | { readonly kind: 'answered'; readonly status: number | null; readonly error: GatewayError | null }
  | { readonly kind: 'failed'; readonly failure: FailureKind; readonly error: GatewayError; readonly answer: PendingAnswer | null };

/** What one route target needs to be reached, built once per target when a table is put in service. */
export interface TargetPlan {
  readonly routeId: string;
  readonly upstream: CompiledUpstream;
  /** Its instances, and the choice among them for each try. */
  readonly instances: InstanceSet;
  readonly policy: TargetPolicy;
  /** The target's own responder: streamed, or translated by its response mapping. */
  readonly respond: Responder;
  /** The policies around a try, composed. */
  readonly run: Step;
}

/** One request's way to one upstream, as each policy sees it; the policies' per-request state. */
export class Call {
  /** Set by the deadline policy: tries and waits end by then (monotonic ms). */
  deadlineAt = Infinity;
  /** Retries made so far. */
  retries = 0;
  /** The backoff waited before the try about to be made (ms): 0 before the first; for the try's span. */
  backoffMs = 0;
  /** The client's body read whole, so that a retry can send it again. */
  replay: Buffer | null = null;
  /** The client's streamed body went to a try: it cannot be sent again. */
  streamed = false;
  /** The instance the last try went to: a retry goes elsewhere when it can. */
  lastInstance: Instance | null = null;

  constructor(
    readonly x: Exchange,
    readonly plan: TargetPlan,
    /** Upstream path and query, normalised and rewritten. */
    readonly path: string,
    /** How an answer reaches the client. */
    readonly respond: Responder,
  ) {}
}

export type Done = (outcome: Outcome) => void;
/** The rest of the chain: runs the call and reports its outcome to `done`, exactly once. */
export type Step = (call: Call, done: Done) => void;

/**
 * One resilience policy, cockatiel-style: it admits the call (or refuses it, or makes it wait),
 * runs the rest of the chain, and judges the outcome on its way out (counts it, retries, falls
 * back), all within `run`. Continuation-passing rather than promises: this runs for every request.
 */
export interface Policy {
  run(call: Call, next: Step, done: Done): void;
}

/** Composes policies around a terminal step, the first outermost, as cockatiel's `wrap` does. */
export function wrap(policies: readonly Policy[], terminal: Step): Step {
  let step = terminal;
  for (let i = policies.length - 1; i >= 0; i--) {
    const policy = policies[i] as Policy;
    const next = step;
    step = (call, done) => policy.run(call, next, done);
  }
  return step;
}

/** A refusal before any try: the fallback may still answer it. */
export function refusal(error: GatewayError): Outcome {
  return { kind: 'failed', failure: 'refused', error, answer: null };
}
