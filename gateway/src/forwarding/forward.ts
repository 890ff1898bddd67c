import http from 'node:http';
import https from 'node:https';
import type { CompiledUpstream } from '../config/table';
import type { RequestContext } from '../pipeline/context';
import { clientResponseHeaders, upstreamRequestHeaders } from '../pipeline/headers';
import { GatewayError, sendProblem } from '../pipeline/problems';
import type { AgentPool } from './agents';
import { timeoutError, upstreamFailure } from './socket-errors';

export interface Forwarding {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly ctx: RequestContext;
  readonly upstream: CompiledUpstream;
  /** Upstream path and query, already normalised and rewritten. */
  readonly path: string;
  readonly maxBodyBytes: number;
}

/** What went wrong, for the request log; the client has already been answered. */
export type ForwardOutcome = { readonly error?: GatewayError };

function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Streams a request to an upstream and its answer back, bodies untouched and unbuffered.
 * Failures before the answer begins become a problem+json answer; after it has begun, the
 * client connection is cut, because a truncated body must not look complete.
 */
export function forward(f: Forwarding, agents: AgentPool, done: (outcome: ForwardOutcome) => void): void {
  const { req, res, ctx, upstream } = f;
  const { hostname, port, protocol } = upstream.origin;
  const proxyReq = (protocol === 'https:' ? https : http).request({
    host: hostname,
    port,
    method: req.method,
    path: f.path,
    headers: upstreamRequestHeaders(req, ctx, upstream),
    agent: agents.get(upstream),
  });
  let settled = false;
  let responseTimer: NodeJS.Timeout | undefined;
  // Until a connected socket is assigned (waiting in the pool's queue, then connecting) the connect
  // timeout runs; once the whole request is sent, the response timeout runs. A slow upload is the
  // client's time, not the upstream's.
  const connectTimer = setTimeout(() => fail(upstreamFailure(upstream.name, timeoutError('E_CONNECT_TIMEOUT'))), upstream.config.connectTimeoutMs);
  proxyReq.once('finish', () => {
    if (!settled) responseTimer = setTimeout(() => fail(upstreamFailure(upstream.name, timeoutError('E_RESPONSE_TIMEOUT'))), upstream.config.timeoutMs);
  });

  function settle(outcome: ForwardOutcome): void {
    if (settled) return;
    settled = true;
    clearTimeout(responseTimer);
    clearTimeout(connectTimer);
    done(outcome);
  }
  function fail(error: GatewayError, closeClient = false): void {
    if (settled) return;
    proxyReq.destroy();
    sendProblem(res, error, ctx.requestId, closeClient);
    settle({ error });
  }

  proxyReq.on('socket', (socket) => {
    if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
    else clearTimeout(connectTimer);
  });
  proxyReq.on('error', (err) => fail(upstreamFailure(upstream.name, err)));
  proxyReq.on('response', (upstreamRes) => {
    clearTimeout(responseTimer);
    clearTimeout(connectTimer);
    if (settled) {
      upstreamRes.resume();
      return;
    }
    const headers = clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers.connection, ctx.requestId);
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
    upstreamRes.pipe(res);
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) {
        res.destroy();
        settle({ error: upstreamFailure(upstream.name, Object.assign(new Error('reset'), { code: 'ECONNRESET' })) });
      } else settle({});
    });
  });
  // A client that goes away cancels the upstream call instead of leaving it running.
  res.on('close', () => {
    if (!settled && !res.writableFinished) {
      proxyReq.destroy();
      settle({});
    }
  });

  if (!hasBody(req)) {
    proxyReq.end();
    return;
  }
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > f.maxBodyBytes) {
      req.unpipe(proxyReq);
      fail(new GatewayError('payload-too-large', `request body exceeds the limit of ${f.maxBodyBytes} bytes`), true);
    }
  });
  req.pipe(proxyReq);
}
