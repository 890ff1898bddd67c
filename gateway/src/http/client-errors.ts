import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestIdFrom } from '../../../platform';
import { closeWhenIdle } from './connections';
import { ALLOWED_METHODS } from './methods';
import { GatewayError, problemBody, sendProblem, type ProblemCode, PROBLEMS } from './problems';

/**
 * Requests Node's parser refuses before the pipeline sees them (oversize heads, slow clients,
 * malformed framing) still get a problem+json answer, then the connection is closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const code: ProblemCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers-too-large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT'
        ? 'request-timeout'
        : err.code === 'HPE_INVALID_TRANSFER_ENCODING' || err.code === 'HPE_UNEXPECTED_CONTENT_LENGTH'
          ? 'bad-transfer-encoding'
          : 'bad-request';
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight && !inFlight.writableFinished) {
    // Requests on this connection are already being served, and the bytes after them are garbage.
    // Whole, they were (or are being) forwarded: their own answers go out, then the connection
    // closes, so that the client learns what the upstream did. A request cut short by the garbage
    // is abandoned with the connection. Either way no second, unrequested response follows.
    if (!inFlight.req.complete || !closeWhenIdle(socket)) socket.destroy();
    return;
  }
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  const { status, title } = PROBLEMS[code];
  const body = problemBody(code, `request refused by the HTTP parser (${err.code ?? 'error'})`, undefined);
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** An `Expect` other than 100-continue: 417, as a problem like every other refusal (Node's own answer has no body). */
export function answerExpectation(req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, new GatewayError('expectation-failed', `the expectation "${String(req.headers.expect).slice(0, 100)}" is not supported`), requestIdFrom(req.headers['x-request-id']), true);
}

/** CONNECT is never proxied: 405 and close, instead of a silently closed connection. */
export function answerConnect(_req: IncomingMessage, socket: Socket): void {
  const code: ProblemCode = 'method-not-allowed';
  const body = problemBody(code, 'CONNECT is not proxied', undefined);
  // Node hands the socket over as it is (no HTTP machinery left on it): once written, it is closed outright.
  socket.end(
    `HTTP/1.1 405 ${PROBLEMS[code].title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nallow: ${ALLOWED_METHODS}\r\nconnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
