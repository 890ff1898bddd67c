import { requestIdFrom } from '../../../platform';
import { clientAddress } from '../routing/client-address';
import type { Exchange } from './exchange';

/** Stage `context`: the request id, the peer, and the client address believed through trusted proxies only. */
export function contextStage(x: Exchange): void {
  const { req } = x;
  // A well-formed incoming id is kept so that a trace spans systems; anything else is replaced.
  x.requestId = requestIdFrom(req.headers['x-request-id']);
  x.peer = req.socket.remoteAddress ?? '';
  const xff = req.headers['x-forwarded-for'];
  const { clientIp, peerTrusted } = clientAddress(x.peer, typeof xff === 'string' ? xff : undefined, x.table.trustedProxies);
  x.clientIp = clientIp;
  x.peerTrusted = peerTrusted;
  x.next();
}
