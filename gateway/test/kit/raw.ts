import net from 'node:net';

export interface RawResponse {
  /** Everything the server sent before closing or the timeout. */
  readonly text: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** True when the server closed the connection. */
  readonly closed: boolean;
}

/**
 * Sends bytes exactly as given (no client library fixing them up) and collects the answer until
 * the server closes the connection or `waitMs` passes.
 */
export function rawRequest(port: number, bytes: string | Buffer, waitMs = 1_500): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('latin1'), closed));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      closed = true;
      done();
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

function parse(text: string, closed: boolean): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { text, status, headers, body: end === -1 ? '' : text.slice(end + 4), closed };
}
