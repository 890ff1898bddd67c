import { GatewayError } from '../http/problems';
import { hasBody } from '../http/framing';
import type { SheddingConfig } from '../config/resilience-schema';
import type { LoadShedder } from '../resilience/shedder';
import { requestIdFrom } from '../../../platform';
import type { Exchange, Stage } from './exchange';

/**
 * Stage `shed`, the outermost: a request the gateway cannot take now is answered 503 +
 * Retry-After at once, before any routing work; an admitted one counts until its response closes.
 */
export function shedStage(shedder: LoadShedder, onShed: (reason: string) => void): Stage {
  return (x: Exchange) => {
    const settings: SheddingConfig = x.table.shedding;
    const admitted = shedder.admit(settings);
    if (admitted.ok) {
      x.onEnd(admitted.done);
      return x.next();
    }
    onShed(admitted.reason);
    const why = admitted.reason === 'in-flight' ? `more than ${settings.maxInFlight} requests in progress` : 'its event loop is lagging';
    x.requestId = requestIdFrom(x.req.headers['x-request-id']);
    // An unread body would be taken for the next request on a kept-alive connection: close it instead.
    x.refuse(new GatewayError('overloaded', `the gateway is overloaded (${why}); try again later`, {}, settings.retryAfterSeconds), hasBody(x.req));
  };
}
