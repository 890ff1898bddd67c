import type { AnswerControl, AnswerSink } from '../http/answer';
import type { GatewayError } from '../http/problems';
import type { Responder } from '../pipeline/exchange';
import { rawHeaderMap, type CalledAnswer } from './shadow-call';

/**
 * Wraps the primary's responder to keep a copy of the upstream's answer (status, headers, raw body
 * up to a cap) as it goes by. The client's answer is produced by the wrapped responder exactly as
 * without shadowing: the copy only sees the same pieces. `onAnswer` gets null when the primary's
 * answer did not complete.
 */
export function capturingResponder(inner: Responder, capBytes: number, onAnswer: (answer: CalledAnswer | null) => void): Responder {
  return (x, finished) => new CapturingSink(inner(x, finished), capBytes, x.startedAt, x.receivedAt, onAnswer);
}

class CapturingSink implements AnswerSink {
  private status = 0;
  private headers: Readonly<Record<string, string>> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(
    private readonly inner: AnswerSink,
    private readonly capBytes: number,
    private readonly startedAt: bigint,
    private readonly requestedAt: number,
    private readonly onAnswer: (answer: CalledAnswer | null) => void,
  ) {}

  head(status: number, reason: string, headers: readonly Buffer[], control: AnswerControl): void {
    this.status = status;
    this.headers = rawHeaderMap(headers);
    this.inner.head(status, reason, headers, control);
  }

  data(chunk: Buffer): boolean {
    if (!this.truncated) {
      if (this.size + chunk.length > this.capBytes) this.truncated = true;
      else {
        this.size += chunk.length;
        this.chunks.push(chunk);
      }
    }
    return this.inner.data(chunk);
  }

  end(): void {
    const ms = Number(process.hrtime.bigint() - this.startedAt) / 1e6;
    this.onAnswer({ status: this.status, headers: this.headers, body: Buffer.concat(this.chunks, this.size), truncated: this.truncated, ms, requestedAt: this.requestedAt });
    this.inner.end();
  }

  cut(error: GatewayError): void {
    this.onAnswer(null);
    this.inner.cut(error);
  }
}
