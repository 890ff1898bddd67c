import type { Responder } from '../forwarding/forward';
import { headerMap, type CalledAnswer } from './shadow-call';

/**
 * Wraps the primary's responder to keep a copy of the upstream's answer (status, headers, raw body
 * up to a cap) as it goes by. The client's answer is produced by the wrapped responder exactly as
 * without shadowing: the copy only listens to the same chunks. `onAnswer` gets null when the
 * primary's answer did not complete.
 */
export function capturingResponder(inner: Responder, capBytes: number, startedAt: bigint, onAnswer: (answer: CalledAnswer | null) => void): Responder {
  return (upstreamRes, res, ctx, upstream) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let reported = false;
    const report = (answer: CalledAnswer | null) => {
      if (reported) return;
      reported = true;
      onAnswer(answer);
    };
    upstreamRes.on('data', (chunk: Buffer) => {
      if (truncated) return;
      if (size + chunk.length > capBytes) {
        truncated = true;
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    });
    upstreamRes.once('end', () =>
      report({
        status: upstreamRes.statusCode ?? 0,
        headers: headerMap(upstreamRes),
        body: Buffer.concat(chunks, size),
        truncated,
        ms: Number(process.hrtime.bigint() - startedAt) / 1e6,
        requestedAt: ctx.receivedAt,
      }),
    );
    upstreamRes.once('close', () => {
      if (!upstreamRes.complete) report(null);
    });
    return inner(upstreamRes, res, ctx, upstream);
  };
}
