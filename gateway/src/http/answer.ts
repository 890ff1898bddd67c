import type { GatewayError } from './problems';

/** What a sink may ask of the answer it is fed. */
export interface AnswerControl {
  /** Restarts a body paused by `data` returning false. */
  resume(): void;
  /** Stops reading: the rest of the answer is not wanted (too large to translate, say). */
  stop(): void;
}

/**
 * Where an upstream's answer goes, piece by piece, as the HTTP client delivers it: to the client
 * untouched, into a translation, into a composition, and past the shadow's copy on the way. Plain
 * callbacks rather than a stream: an answer is usually one head and one chunk, and this runs for
 * every request.
 */
export interface AnswerSink {
  /** The status, its reason phrase, and the fields as a raw name/value list. */
  head(status: number, reason: string, headers: readonly Buffer[], control: AnswerControl): void;
  /** A piece of the body; false asks for a pause until `control.resume()`. */
  data(chunk: Buffer): boolean;
  /** The body is complete. */
  end(): void;
  /** The answer was cut short (the upstream reset, or the gateway gave up on it). */
  cut(error: GatewayError): void;
}
