import type { IncomingMessage } from 'node:http';

/** A whole body, or why there is none: past the limit, or cut short (the peer went away or reset). */
export type BodyRead = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly why: 'too-large' | 'incomplete' };

/**
 * Reads a whole request or response body up to a limit. Never rejects: a stream that errors or
 * closes before its end is `incomplete`, so that a half-sent upload can never be mistaken for a
 * whole one and forwarded, nor its error escape as an unhandled rejection. Past the limit the
 * stream is paused and abandoned.
 */
export function readBody(stream: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.pause();
        settle(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    // The forward stage may have paused the body; a 'data' listener alone does not restart a paused stream.
    stream.resume();
    stream.once('end', () => settle({ ok: true, body: Buffer.concat(chunks, size) }));
    // 'close' before 'end' (or an 'error', which Node follows with 'close') means the body was cut short.
    stream.once('error', () => settle(INCOMPLETE));
    stream.once('close', () => settle(stream.complete ? { ok: true, body: Buffer.concat(chunks, size) } : INCOMPLETE));
  });
}

const TOO_LARGE: BodyRead = Object.freeze({ ok: false, why: 'too-large' });
const INCOMPLETE: BodyRead = Object.freeze({ ok: false, why: 'incomplete' });

export function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType);
}
