import type http from 'node:http';

/** The largest body buffered so that an idempotent write can be sent again; larger ones stream and are never retried. */
export const REPLAY_BODY_MAX = 64 * 1024;

/**
 * Reads a small request body whole, when its declared length fits REPLAY_BODY_MAX. Returns null
 * when it does not (chunked, or too large: nothing is read and it streams as usual, never
 * retried); resolves 'gone' when the client leaves before sending it all.
 */
export function readReplayableBody(req: http.IncomingMessage): Promise<Buffer | 'gone'> | null {
  const length = Number(req.headers['content-length']);
  if (req.headers['transfer-encoding'] !== undefined || !Number.isInteger(length) || length > REPLAY_BODY_MAX) return null;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // The resilience layer paused the body; a 'data' listener alone does not restart a paused stream.
    req.resume();
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => {
      if (!req.complete) resolve('gone');
    });
  });
}
