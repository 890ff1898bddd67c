import http from 'node:http';
import https from 'node:https';
import type { CompiledUpstream } from '../config/table';
import { hasBody } from '../http/framing';
import type { RequestContext } from '../pipeline/context';
import { clientResponseHeaders, upstreamRequestHeaders } from '../pipeline/headers';
import { GatewayError, sendProblem } from '../pipeline/problems';
import type { AgentPool } from './agents';
import { timeoutError, upstreamFailure } from './socket-errors';

/** Writes the upstream's answer to the client; resolves with the failure to log, if any. */
export type Responder = (upstreamRes: http.IncomingMessage, res: http.ServerResponse, ctx: RequestContext, upstream: string) => Promise<GatewayError | undefined>;

export interface Forwarding {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly ctx: RequestContext;
  readonly upstream: CompiledUpstream;
  /** Upstream path and query, already normalised and rewritten. */
  readonly path: string;
  readonly maxBodyBytes: number;
  /** A replacement body (a translated write); the client's body is streamed when absent. */
  readonly body?: Buffer;
  /** How the answer reaches the client; streamed untouched when absent. */
  readonly respond?: Responder;
  /**
   * Called instead of answering when this upstream fails before its answer begins (cannot connect,
   * times out, resets) or answers 5xx: the caller sends the request elsewhere. Only for requests
   * without a body, which can be sent twice.
   */
  readonly fallback?: (reason: GatewayError) => void;
  /** The client's own body, read whole so that a retry can send it again (small idempotent writes). */
  readonly replayBody?: Buffer;
  /** This try's timeouts (narrowed to the deadline by the resilience layer); the upstream's when absent. */
  readonly timeouts?: AttemptTimeouts;
  /**
   * Asked before anything reaches the client when this try fails (cannot connect, resets, times
   * out, answers 5xx): true means the caller takes over (a retry, a fallback, its own answer) and
   * this try answers nothing; false lets the failure be answered here (a 5xx streamed through).
   */
  readonly takeOver?: (failure: AttemptFailure) => boolean;
}

export interface AttemptTimeouts {
  readonly connectMs: number;
  /** Read when the request has been sent: what is left of the deadline may be less than a try's timeout. */
  readonly responseMs: () => number;
}

/** How one try failed, for the retry and breaker decisions. */
export type AttemptFailure =
  | { readonly kind: 'connect' | 'reset' | 'timeout'; readonly error: GatewayError }
  | { readonly kind: 'status'; readonly error: GatewayError; readonly response: http.IncomingMessage };

/** What happened, for the request log and the breaker; the client has been answered unless `tookOver`. */
export type ForwardOutcome = {
  readonly error?: GatewayError;
  /** The upstream's status, once it answered. */
  readonly status?: number;
  /** The caller's takeOver accepted the failure: nothing was answered. */
  readonly tookOver?: boolean;
};

/** Streams an answer through untouched. A body cut short upstream cuts the client connection: it must not look complete. */
export const streamResponse: Responder = (upstreamRes, res, ctx, upstream) => {
  const headers = clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers.connection, ctx.requestId);
  res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
  upstreamRes.pipe(res);
  return new Promise((resolve) => {
    upstreamRes.on('close', () => {
      if (upstreamRes.complete) return resolve(undefined);
      res.destroy();
      resolve(upstreamFailure(upstream, Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
    });
  });
};

/**
 * Sends a request to an upstream and its answer back, bodies unbuffered unless a translation
 * needs them whole. Failures before the answer begins become a problem+json answer.
 */
export function forward(f: Forwarding, agents: AgentPool, done: (outcome: ForwardOutcome) => void): void {
  const { req, res, ctx, upstream } = f;
  const { hostname, port, protocol } = upstream.origin;
  const headers = upstreamRequestHeaders(req, ctx, upstream);
  if (f.body) {
    delete headers['transfer-encoding'];
    headers['content-length'] = f.body.length;
    headers['content-type'] = 'application/json';
  } else if (f.replayBody) {
    delete headers['transfer-encoding'];
    headers['content-length'] = f.replayBody.length;
  }
  const proxyReq = (protocol === 'https:' ? https : http).request({ host: hostname, port, method: req.method, path: f.path, headers, agent: agents.get(upstream) });
  let settled = false;
  let responseTimer: NodeJS.Timeout | undefined;
  // Until a connected socket is assigned (waiting in the pool's queue, then connecting) the connect
  // timeout runs; once the whole request is sent, the response timeout runs. A slow upload is the
  // client's time, not the upstream's.
  const connectMs = f.timeouts?.connectMs ?? upstream.config.connectTimeoutMs;
  const connectTimer = setTimeout(() => fail(upstreamFailure(upstream.name, timeoutError('E_CONNECT_TIMEOUT')), false, 'connect'), connectMs);
  proxyReq.once('finish', () => {
    if (settled) return;
    const responseMs = f.timeouts ? f.timeouts.responseMs() : upstream.config.timeoutMs;
    responseTimer = setTimeout(() => fail(upstreamFailure(upstream.name, timeoutError('E_RESPONSE_TIMEOUT')), false, 'timeout'), responseMs);
  });

  function settle(outcome: ForwardOutcome): void {
    if (settled) return;
    settled = true;
    clearTimeout(responseTimer);
    clearTimeout(connectTimer);
    // A later try on the same response adds its own listener; this one has nothing left to do.
    res.off('close', onClientClose);
    done(outcome);
  }
  function fail(error: GatewayError, closeClient = false, kind?: 'connect' | 'reset' | 'timeout'): void {
    if (settled) return;
    proxyReq.destroy();
    if (kind && f.takeOver && !res.headersSent && f.takeOver({ kind, error })) {
      settle({ error, tookOver: true });
      return;
    }
    if (f.fallback && error.status >= 502 && !res.headersSent) {
      settle({ error });
      f.fallback(error);
      return;
    }
    sendProblem(res, error, ctx.requestId, closeClient);
    settle({ error });
  }

  proxyReq.on('socket', (socket) => {
    if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
    else clearTimeout(connectTimer);
  });
  proxyReq.on('error', (err) => {
    const error = upstreamFailure(upstream.name, err);
    fail(error, false, error.code === 'upstream-unreachable' ? 'connect' : 'reset');
  });
  proxyReq.on('response', (upstreamRes) => {
    clearTimeout(responseTimer);
    clearTimeout(connectTimer);
    if (settled) {
      upstreamRes.resume();
      return;
    }
    const status = upstreamRes.statusCode ?? 502;
    if (f.takeOver && status >= 500) {
      const error = new GatewayError('upstream-error', `upstream "${upstream.name}" answered ${status}`, { upstream: upstream.name });
      if (f.takeOver({ kind: 'status', error, response: upstreamRes })) {
        upstreamRes.resume();
        settle({ error, status, tookOver: true });
        return;
      }
    }
    if (f.fallback && status >= 500) {
      upstreamRes.resume();
      const error = new GatewayError('upstream-error', `upstream "${upstream.name}" answered ${status}`);
      settle({ error });
      f.fallback(error);
      return;
    }
    (f.respond ?? streamResponse)(upstreamRes, res, ctx, upstream.name).then(
      (error) => settle(error ? { error, status } : { status }),
      (e: unknown) => {
        // A responder that throws is the gateway's bug, answered like any other: never an unhandled rejection.
        const error = new GatewayError('internal-error', e instanceof Error ? e.message : String(e));
        sendProblem(res, error, ctx.requestId);
        settle({ error, status });
      },
    );
  });
  // A client that goes away cancels the upstream call instead of leaving it running.
  const onClientClose = () => {
    if (!settled && !res.writableFinished) {
      proxyReq.destroy();
      settle({});
    }
  };
  res.on('close', onClientClose);

  if (f.body ?? f.replayBody) {
    proxyReq.end(f.body ?? f.replayBody);
    return;
  }
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
