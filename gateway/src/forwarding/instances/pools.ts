import { Pool } from 'undici';
import type { CompiledUpstream } from '../../config/table';
import type { UpstreamOrigin } from '../../config/upstream-url';

/**
 * A keep-alive pool to one instance, through undici: the fastest HTTP/1.1 client Node has, which
 * also frames every body it sends (its length, or chunked) whatever the method. Its own header and
 * body timeouts are off: the gateway's policies time each try (connect, then the answer once the
 * request is sent), so that a slow upload is the client's time, not the upstream's.
 */
export function instancePool(upstream: CompiledUpstream, origin: UpstreamOrigin): Pool {
  return new Pool(origin.origin, {
    connections: upstream.config.maxSockets,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: upstream.config.connectTimeoutMs },
  });
}
