import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';

/**
 * The gateway process's last line of defence. Every failure on a request's path is answered by
 * that request's own code; an error that still escapes is a gateway bug, and it must not take
 * the process (and, under `npm start`, the whole stack) down with it: a client can never end the
 * process. It is logged with its stack, counted on /metrics, and the gateway keeps serving.
 *
 * A rejection nobody awaited leaves no state behind, so carrying on is safe. An uncaught exception
 * is also survived: the gateway holds no cross-request state that a half-run callback corrupts
 * beyond one request's slots, which the request's own close listeners give back.
 */
export function installLastResort(target: NodeJS.Process, logger: Pick<Logger, 'error'>, metrics: Pick<GatewayMetrics, 'processError'>): () => void {
  const onRejection = (reason: unknown) => {
    metrics.processError('unhandled-rejection');
    logger.error('unhandled rejection (a gateway bug; still serving)', describe(reason));
  };
  const onException = (error: Error) => {
    metrics.processError('uncaught-exception');
    logger.error('uncaught exception (a gateway bug; still serving)', describe(error));
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}

function describe(reason: unknown): Record<string, unknown> {
  if (reason instanceof Error) return { error: reason.name, detail: reason.message, stack: reason.stack };
  return { error: typeof reason, detail: String(reason) };
}
