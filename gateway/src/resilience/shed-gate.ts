import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasBody } from '../http/framing';
import { GatewayError, sendProblem } from '../pipeline/problems';
import type { SheddingConfig } from './schema';
import type { LoadShedder } from './shedder';

/**
 * Wraps the proxy listener with load shedding: a request the gateway cannot take now is answered
 * 503 + Retry-After at once, before routing work; an admitted one counts until it closes.
 */
export function shedGate(
  shedder: LoadShedder,
  config: () => SheddingConfig,
  onShed: (reason: string) => void,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const settings = config();
    const admitted = shedder.admit(settings);
    if (admitted.ok) {
      res.once('close', admitted.done);
      return next(req, res);
    }
    onShed(admitted.reason);
    const why = admitted.reason === 'in-flight' ? `more than ${settings.maxInFlight} requests in progress` : 'its event loop is lagging';
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
    // An unread body would be taken for the next request on a kept-alive connection: close it instead.
    sendProblem(res, new GatewayError('overloaded', `the gateway is overloaded (${why}); try again later`, {}, settings.retryAfterSeconds), requestId, hasBody(req));
  };
}
