import type { CompiledRoute, CompiledTarget } from '../config/table';
import { compareAnswers } from './compare';
import type { CalledAnswer, CallResult, ShadowHeaders } from './shadow-call';
import type { SampledRequest, ShadowOutcome } from './types';

export interface ShadowExchangeDeps {
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
export class ShadowExchange {
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
    private readonly deps: ShadowExchangeDeps,
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
export function sampledRequest(method: string, path: string, headers: ShadowHeaders): SampledRequest {
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
