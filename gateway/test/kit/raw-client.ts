import net from 'node:net';

/**
 * A raw-socket HTTP/1.1 client for hostile-input tests: it sends exactly the bytes given (in timed
 * or event-gated pieces, optionally giving up mid-way), parses every response the server sends
 * with a parser of its own (interim 1xx answers included), and tells whether the server closed.
 */

/** One piece of what the client sends: bytes, a pause, or a wait for an event (e.g. the upstream saw the head). */
export type Piece =
  | string
  | Buffer
  | { readonly pauseMs: number }
  | { readonly until: () => Promise<unknown> }
  /** Waits until the server has sent this many interim (1xx) responses, or has answered or closed. */
  | { readonly interims: number };

export interface ParsedResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Header lines in order, names as sent. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The first value of a header, by case-insensitive name. */
  header(name: string): string | undefined;
  /** Every value of a header, by case-insensitive name. */
  headers(name: string): string[];
  text(): string;
  json(): unknown;
}

export interface RawOptions {
  /**
   * Final (non-1xx) responses after which the exchange is over. Without it the client reads until
   * the server closes (or the harness limit).
   */
  readonly responses?: number;
  /**
   * After the expected responses, also wait for the server to close (bounded by the harness
   * limit); as a function, only when the responses call for it (a refusal must close, an answer need not).
   */
  readonly awaitClose?: boolean | ((responses: readonly ParsedResponse[]) => boolean);
  /**
   * Sent on the same connection while awaiting the close: a server that closed after its answer
   * never answers it, one that kept the connection answers it at once. Tells "closed by the
   * refusal" from "closed later by an idle timeout" without depending on how long either takes.
   */
  readonly closeProbe?: string;
  /** After the last piece is written, the client goes away (destroys its socket without reading). */
  readonly abort?: 'destroy' | 'reset';
  /** After the last piece is written, half-close (FIN) the writing side. */
  readonly endAfterWrite?: boolean;
  /** Responses answer HEAD requests (no body), by index of the final response. */
  readonly headResponse?: (index: number) => boolean;
  /** Harness limit on the whole exchange; running into it sets `timedOut` and is never a claim about speed. */
  readonly limitMs?: number;
}

export interface RawExchange {
  /** Final responses, in order. */
  readonly responses: readonly ParsedResponse[];
  /** Interim (1xx) responses, in order of arrival, with how many final responses preceded each. */
  readonly interim: readonly { readonly status: number; readonly afterFinal: number }[];
  /** The server closed (or reset) the connection. */
  readonly closed: boolean;
  /** The harness limit ended the exchange. */
  readonly timedOut: boolean;
  /** Bytes received that do not parse as a response (a sign of a broken or smuggled answer). */
  readonly unparsed: Buffer;
  /** Everything received. */
  readonly received: Buffer;
}

export const DEFAULT_LIMIT_MS = 8_000;

/** Sends `pieces` on a fresh connection and collects the answer. */
export function rawExchange(port: number, pieces: Piece | readonly Piece[], options: RawOptions = {}): Promise<RawExchange> {
  const list: readonly Piece[] = Array.isArray(pieces) ? pieces : [pieces as Piece];
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const parser = new ResponseStream(options.headResponse ?? (() => false));
    let closed = false;
    let finished = false;
    let timedOut = false;
    let writing = true;
    let probed = false;
    const limit = setTimeout(() => {
      timedOut = true;
      done();
    }, options.limitMs ?? DEFAULT_LIMIT_MS);

    function done(): void {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      socket.destroy();
      const received = Buffer.concat(chunks);
      parser.finish(closed);
      resolve({ responses: parser.responses, interim: parser.interim, closed, timedOut, unparsed: parser.rest(), received });
    }
    function check(): void {
      if (finished || writing) return;
      const wanted = options.responses;
      if (closed) return done();
      if (wanted === undefined || parser.responses.length < wanted) return;
      if (probed) {
        // The connection answered the probe: it was kept open after the expected answers.
        if (parser.responses.length > wanted) done();
        return;
      }
      const awaitClose = typeof options.awaitClose === 'function' ? options.awaitClose(parser.responses) : options.awaitClose === true;
      if (!awaitClose) return done();
      if (options.closeProbe !== undefined) {
        probed = true;
        if (!socket.destroyed && socket.writable) socket.write(options.closeProbe);
      }
    }

    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      parser.push(c);
      check();
    });
    const onClosed = () => {
      closed = true;
      // A response read to the close is complete only now.
      parser.finish(true);
      // Nothing more can be exchanged: pieces not yet written are moot.
      if (writing) done();
      else check();
    };
    socket.on('end', onClosed);
    socket.on('close', onClosed);
    socket.on('error', () => undefined);

    void (async () => {
      await new Promise<void>((r) => {
        if (socket.connecting) socket.once('connect', () => r());
        else r();
        socket.once('error', () => r());
      });
      for (const piece of list) {
        if (finished) return;
        if (typeof piece === 'string' || Buffer.isBuffer(piece)) {
          if (!socket.destroyed && socket.writable) socket.write(piece);
        } else if ('pauseMs' in piece) {
          await new Promise((r) => setTimeout(r, piece.pauseMs));
        } else if ('interims' in piece) {
          await new Promise<void>((r) => {
            const poll = () => (parser.interim.length >= piece.interims || parser.responses.length > 0 || closed || finished ? r() : socket.once('data', () => setImmediate(poll)));
            poll();
          });
        } else {
          await piece.until();
        }
      }
      if (options.abort) {
        // Flush what was written, then leave without reading anything more.
        await new Promise<void>((r) => (socket.writableLength === 0 ? r() : socket.once('drain', () => r())));
        if (options.abort === 'reset') socket.resetAndDestroy();
        else socket.destroy();
        writing = false;
        closed = true;
        done();
        return;
      }
      if (options.endAfterWrite && !socket.destroyed) socket.end();
      writing = false;
      check();
    })();
  });
}

/** An incremental HTTP/1.x response parser (status line, headers, and a body by length, chunks or close). */
class ResponseStream {
  readonly responses: ParsedResponse[] = [];
  readonly interim: { status: number; afterFinal: number }[] = [];
  private buf = Buffer.alloc(0);
  private broken = false;

  constructor(private readonly isHead: (index: number) => boolean) {}

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    this.parse(false);
  }

  finish(closed: boolean): void {
    this.parse(closed);
  }

  rest(): Buffer {
    return this.buf;
  }

  private parse(closed: boolean): void {
    while (!this.broken && this.buf.length > 0) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!m) {
        this.broken = true;
        return;
      }
      const status = Number(m[2]);
      const rawHeaders = lines.map((l): [string, string] => {
        const i = l.indexOf(':');
        return i === -1 ? [l, ''] : [l.slice(0, i), l.slice(i + 1).trim()];
      });
      const values = (name: string) => rawHeaders.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
      const afterHead = end + 4;
      if (status >= 100 && status < 200) {
        this.interim.push({ status, afterFinal: this.responses.length });
        this.buf = this.buf.subarray(afterHead);
        continue;
      }
      const bodiless = status === 204 || status === 304 || this.isHead(this.responses.length);
      let body: Buffer;
      let consumed: number;
      const te = values('transfer-encoding').join(',').toLowerCase();
      const cl = values('content-length')[0];
      if (bodiless) {
        body = Buffer.alloc(0);
        consumed = afterHead;
      } else if (te.includes('chunked')) {
        const chunked = readChunked(this.buf, afterHead);
        if (chunked === 'incomplete') return;
        if (chunked === 'invalid') {
          this.broken = true;
          return;
        }
        body = chunked.body;
        consumed = chunked.end;
      } else if (cl !== undefined) {
        const length = Number(cl);
        if (this.buf.length < afterHead + length) return;
        body = this.buf.subarray(afterHead, afterHead + length);
        consumed = afterHead + length;
      } else {
        // Read to the close.
        if (!closed) return;
        body = this.buf.subarray(afterHead);
        consumed = this.buf.length;
      }
      this.buf = this.buf.subarray(consumed);
      const copy = Buffer.from(body);
      this.responses.push({
        version: m[1] as string,
        status,
        reason: m[3] ?? '',
        rawHeaders,
        body: copy,
        header: (name) => values(name.toLowerCase())[0],
        headers: (name) => values(name.toLowerCase()),
        text: () => copy.toString('utf8'),
        json: () => JSON.parse(copy.toString('utf8')) as unknown,
      });
    }
  }
}

/** Reads a chunked body starting at `from`: its bytes and where the message ends (after trailers). */
export function readChunked(buf: Buffer, from: number): { body: Buffer; end: number; trailers: string[]; extensions: string[] } | 'incomplete' | 'invalid' {
  const parts: Buffer[] = [];
  const extensions: string[] = [];
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol === -1) return buf.length - at > 1024 ? 'invalid' : 'incomplete';
    const line = buf.subarray(at, eol).toString('latin1');
    const [sizeText = '', ...ext] = line.split(';');
    if (!/^[0-9A-Fa-f]{1,15}$/.test(sizeText)) return 'invalid';
    extensions.push(...ext);
    const size = parseInt(sizeText, 16);
    at = eol + 2;
    if (size === 0) break;
    if (buf.length < at + size + 2) return 'incomplete';
    parts.push(buf.subarray(at, at + size));
    if (buf[at + size] !== 0x0d || buf[at + size + 1] !== 0x0a) return 'invalid';
    at += size + 2;
  }
  const trailers: string[] = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol === -1) return 'incomplete';
    const line = buf.subarray(at, eol).toString('latin1');
    at = eol + 2;
    if (line === '') break;
    trailers.push(line);
  }
  return { body: Buffer.concat(parts), end: at, trailers, extensions };
}
