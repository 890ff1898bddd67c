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
  // A request on this connection was already answered (e.g. refused by the pipeline, then the parser
  // choked on its body): a second, unrequested response must never follow it.
  const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || !socket.writable || answered) {
    socket.destroy();
    return;
  }
  const { status, title } = PROBLEMS[code];
  const body = problemBody(code, `request refused by the HTTP parser (${err.code ?? 'error'})`, undefined);
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
