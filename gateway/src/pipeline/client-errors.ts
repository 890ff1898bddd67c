import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { problemBody, type ProblemCode, PROBLEMS } from './problems';

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
    // A request on this connection is already being served, and the bytes after it are garbage.
    // Complete, it was (or is being) forwarded: its own answer goes out, then the connection
    // closes, so that the client learns what the upstream did. Cut short, it is abandoned with
    // the connection. Either way no second, unrequested response follows.
    socket.pause();
    if (inFlight.req.complete) {
      inFlight.shouldKeepAlive = false;
      inFlight.once('close', () => socket.destroy());
    } else socket.destroy();
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
