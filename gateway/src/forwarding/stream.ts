import type { AnswerControl, AnswerSink } from '../http/answer';
import { answerHeaders } from '../http/headers';
import type { GatewayError } from '../http/problems';
import type { Exchange, Finished, Responder } from '../pipeline/exchange';

/**
 * Streams an answer through untouched, with the client's own backpressure. A body cut short
 * upstream cuts the client connection: it must not look complete.
 */
export const streamResponder: Responder = (x, finished) => new StreamSink(x, finished);

class StreamSink implements AnswerSink {
  private control: AnswerControl | null = null;

  constructor(
    private readonly x: Exchange,
    private readonly finished: Finished,
  ) {}

  head(status: number, reason: string, headers: readonly Buffer[], control: AnswerControl): void {
    this.control = control;
    this.x.res.writeHead(status, reason, answerHeaders(headers, this.x.requestId));
  }

  data(chunk: Buffer): boolean {
    if (this.x.res.write(chunk)) return true;
    this.x.res.once('drain', () => this.control?.resume());
    return false;
  }

  end(): void {
    this.x.res.end();
    this.finished(null);
  }

  cut(error: GatewayError): void {
    this.x.res.destroy();
    this.finished(error);
  }
}
