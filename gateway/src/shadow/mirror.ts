import type { IncomingMessage } from 'node:http';
import type { CompiledRoute, CompiledTarget } from '../config/table';
import { AgentPool } from '../forwarding/agents';
import { hasBody, type Responder } from '../forwarding/forward';
import type { RequestContext } from '../pipeline/context';
import { upstreamRequestHeaders } from '../pipeline/headers';
import { capturingResponder } from './capture';
import { compareAnswers } from './compare';
import { callShadow, type CalledAnswer, type CallResult } from './shadow-call';
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
  private readonly agents = new AgentPool();
  private pending = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly record: (outcome: ShadowOutcome) => void,
    private readonly limits: MirrorLimits,
    private readonly random: () => number = Math.random,
  ) {}

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
    const legacy = primary.side === 'legacy' ? primary : other;
    const headers = { ...upstreamRequestHeaders(req, ctx, other.upstream), 'x-strangler-shadow': '1' };
    const request = { method, path, headers: redactable(headers) };
    const call = (target: CompiledTarget, body: Buffer | null) =>
      this.limited(() =>
        callShadow(
          {
            upstream: target.upstream,
            method,
            path: target.buildPath(path, params) + query,
            headers: target === other ? headers : { ...upstreamRequestHeaders(req, ctx, target.upstream), 'x-strangler-shadow': '1' },
            body,
            timeoutMs: shadow.config.timeoutMs,
            maxResponseBytes: shadow.config.maxResponseBytes,
          },
          this.agents,
        ),
      );
    let primaryAnswer: ((a: CalledAnswer | null) => void) | null = null;
    const primaryDone = new Promise<CalledAnswer | null>((resolve) => (primaryAnswer = resolve));
    const body = hasBody(req) ? readCapped(req, shadow.config.maxBodyBytes) : Promise.resolve(null);
    const noise = safe && this.random() < shadow.config.noiseSample;
    void body
      .then(async (b) => {
        if (b === 'aborted') return; // the client gave up mid-upload: a half-sent write is never mirrored
        if (b === 'too-large') return this.record({ kind: 'body-too-large', routeId: route.id });
        const copy = call(other, b);
        // The second legacy read follows the first one's answer, as a later client's would: what
        // differs between the two (a stamp of the request time among them) is the noise.
        const firstLegacy = primary.side === 'legacy' ? primaryDone.then((a) => a !== null) : copy.then((r) => r.ok);
        const again = noise ? firstLegacy.then((answered) => (answered ? call(legacy, null) : null)) : Promise.resolve(null);
        const [first, mirrored, second] = await Promise.all([primaryDone, copy, again]);
        if (first === null) return; // the primary failed: the client saw the gateway's error, nothing to compare
        const answers = primary.side === 'legacy' ? { legacy: ok(first), fresh: mirrored, noise: second } : { legacy: mirrored, fresh: ok(first), noise: second };
        this.record(await compareAnswers(route, request, answers));
      })
      .catch((e: unknown) => this.record({ kind: 'compare-error', routeId: route.id, detail: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.pending--;
      });
    const startedAt = ctx.startedAt;
    return {
      wrap: (inner) => capturingResponder(inner, shadow.config.maxResponseBytes, startedAt, (a) => primaryAnswer?.(a)),
      closed: () => primaryAnswer?.(null),
    };
  }

  /** Admitted shadowed requests not yet compared (for tests and metrics). */
  size(): number {
    return this.pending;
  }

  close(): void {
    this.agents.destroy();
  }

  private async limited(run: () => Promise<CallResult>): Promise<CallResult> {
    if (this.inFlight >= this.limits.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      return await run();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}

function ok(answer: CalledAnswer): CallResult {
  return { ok: true, answer };
}

/** Header values as plain strings, ready for a sample (the recorder redacts secrets before storing). */
function redactable(headers: Record<string, unknown>): Record<string, string> {
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
