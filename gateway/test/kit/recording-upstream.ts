import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readChunked } from './raw-client';

/**
 * A recording upstream on a raw `net` server (not node:http, which would hide framing): it logs
 * every request exactly as it arrived and parses with its own minimal HTTP/1.1 parser, so that a
 * request smuggled inside another's body shows up as a second request, and an unframed body as
 * bytes that are no request at all.
 */

/** How the recorder delimited a request's body. */
export type Framing = 'none' | 'content-length' | 'chunked' | 'invalid';

export interface RecordedRequest {
  /** Order of arrival across every connection of this recorder, from 0. */
  readonly seq: number;
  /** Which connection it came on (accept order, from 0), and its place on it. */
  readonly connection: number;
  readonly indexOnConnection: number;
  /** The request line as received ('' for bytes that are no request). */
  readonly requestLine: string;
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** Header lines exactly as received. */
  readonly headerLines: readonly string[];
  /** Lower-case name, trimmed value, in order. */
  readonly headers: readonly (readonly [string, string])[];
  readonly framing: Framing;
  /** Why the framing is invalid, or why these bytes are no request. */
  readonly problem?: string;
  readonly body: Buffer;
  readonly trailers: readonly string[];
  /** False when the connection closed before the whole message arrived. */
  readonly complete: boolean;
  /** Every value of a header (case-insensitive name). */
  header(name: string): string[];
}

/** How the recorder answers one request. */
export type Reply =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** Never answers; the connection stays open until the other side closes it. */
  | { readonly kind: 'hold' }
  /** Sends the head and half of the body, then holds: an answer in progress. */
  | { readonly kind: 'stall'; readonly body: unknown }
  /** Sends the head and half of the body, then resets the connection. */
  | { readonly kind: 'cut'; readonly body: unknown };

export type Replier = (req: RecordedRequest) => Reply;

export interface RecordingUpstream {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Everything received so far, in order of arrival. */
  readonly requests: readonly RecordedRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  open(): number;
  /** Resolves with the first request (from now, or already logged when `seen` is true) that matches. */
  next(match?: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Resolves once a request matching has arrived at least in its head (the body may still be arriving). */
  headSeen(match?: (head: string) => boolean): Promise<void>;
  /** Resolves once an answer has begun for a request matching (used to abort mid-response). */
  answering(match?: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Resolves when no connection is open (every peer has closed and every byte has been parsed). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A small JSON 200 naming what was received. */
export const echoReply: Replier = (r) => ({ kind: 'json', body: { ok: true, method: r.method, target: r.target, bodyBytes: r.body.length } });

export async function startRecordingUpstream(name: string, replier: Replier = echoReply): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  const headWaiters: { match: (head: string) => boolean; resolve: () => void }[] = [];
  const answerWaiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  const answered: RecordedRequest[] = [];
  const heads: string[] = [];
  let idleWaiters: (() => void)[] = [];
  let accepted = 0;

  const notifyIdle = () => {
    if (sockets.size > 0) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const r of w) r();
  };
  const record = (r: RecordedRequest) => {
    requests.push(r);
    for (const w of [...waiters]) {
      if (w.match(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  };
  const headArrived = (head: string) => {
    heads.push(head);
    for (const w of [...headWaiters]) {
      if (w.match(head)) {
        headWaiters.splice(headWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const answering = (r: RecordedRequest) => {
    answered.push(r);
    for (const w of [...answerWaiters]) {
      if (w.match(r)) {
        answerWaiters.splice(answerWaiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  };

  const server = net.createServer((socket) => {
    const connection = accepted++;
    sockets.add(socket);
    let index = 0;
    let buf = Buffer.alloc(0);
    let dead = false;
    let headAnnounced = -1;
    socket.on('error', () => undefined);
    const build = (fields: Omit<RecordedRequest, 'seq' | 'connection' | 'indexOnConnection' | 'header'>): RecordedRequest => {
      const headers = fields.headers;
      return {
        seq: requests.length,
        connection,
        indexOnConnection: index++,
        ...fields,
        header: (n: string) => headers.filter(([k]) => k === n.toLowerCase()).map(([, v]) => v),
      };
    };
    const consume = (closing: boolean): void => {
      while (!dead && buf.length > 0) {
        const parsed = parseRequest(buf, closing);
        if (parsed === 'incomplete') {
          const end = buf.indexOf('\r\n\r\n');
          if (end !== -1 && headAnnounced !== index) {
            headAnnounced = index;
            headArrived(buf.subarray(0, end).toString('latin1'));
          }
          return;
        }
        if (headAnnounced !== index) headArrived(buf.subarray(0, Math.max(0, buf.indexOf('\r\n\r\n'))).toString('latin1'));
        headAnnounced = -1;
        buf = buf.subarray(parsed.consumed);
        const r = build(parsed.request);
        record(r);
        if (r.framing === 'invalid' || r.method === '') {
          // A strict server answers 400 and closes: nothing after an unreadable message can be trusted.
          dead = true;
          socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
          return;
        }
        answer(socket, r, replier(r), () => answering(r));
      }
    };
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      consume(false);
    });
    socket.on('end', () => {
      consume(true);
      socket.end();
    });
    socket.on('close', () => {
      consume(true);
      sockets.delete(socket);
      notifyIdle();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => accepted,
    open: () => sockets.size,
    next(match = () => true) {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    headSeen(match = () => true) {
      if (heads.some(match)) return Promise.resolve();
      return new Promise((resolve) => headWaiters.push({ match, resolve }));
    },
    answering(match = () => true) {
      const already = answered.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => answerWaiters.push({ match, resolve }));
    },
    idle() {
      if (sockets.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

type Parsed = Omit<RecordedRequest, 'seq' | 'connection' | 'indexOnConnection' | 'header'>;

function garbage(bytes: Buffer, problem: string): Parsed {
  return { requestLine: '', method: '', target: '', version: '', headerLines: [], headers: [], framing: 'invalid', problem, body: Buffer.from(bytes), trailers: [], complete: false };
}

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d\.\d)$/;

/**
 * Parses one request at the start of `buf`. Framing follows RFC 9112 §6.3 as a strict server
 * would: Transfer-Encoding whose final coding is chunked wins only when there is no
 * Content-Length; both, several differing lengths, or a non-chunked coding are invalid framing.
 */
function parseRequest(buf: Buffer, closing: boolean): { request: Parsed; consumed: number } | 'incomplete' {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) {
    // Bytes that cannot start a request are logged as soon as a line of them is seen.
    const eol = buf.indexOf('\r\n');
    const firstLine = buf.subarray(0, eol === -1 ? buf.length : eol).toString('latin1');
    if ((eol !== -1 || closing) && !REQUEST_LINE.test(firstLine)) return { request: garbage(buf, 'not a request line'), consumed: buf.length };
    if (closing) return { request: garbage(buf, 'connection closed inside a request head'), consumed: buf.length };
    return 'incomplete';
  }
  const head = buf.subarray(0, end).toString('latin1');
  const [requestLine = '', ...headerLines] = head.split('\r\n');
  const m = REQUEST_LINE.exec(requestLine);
  if (!m) return { request: garbage(buf, 'not a request line'), consumed: buf.length };
  const headers = headerLines.map((l): [string, string] => {
    const i = l.indexOf(':');
    return i === -1 ? [l.toLowerCase(), ''] : [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  });
  const base = { requestLine, method: m[1] as string, target: m[2] as string, version: m[3] as string, headerLines };
  const bodyAt = end + 4;
  const values = (n: string) => headers.filter(([k]) => k === n).map(([, v]) => v);
  const te = values('transfer-encoding');
  const cl = values('content-length').flatMap((v) => v.split(',').map((x) => x.trim()));
  const cutShort = (framing: Framing) => ({ request: { ...base, headers, framing, body: Buffer.from(buf.subarray(bodyAt)), trailers: [], complete: false }, consumed: buf.length });
  const invalid = (problem: string) => ({ request: { ...base, headers, framing: 'invalid' as const, problem, body: buf.subarray(bodyAt), trailers: [], complete: true }, consumed: buf.length });
  if (headerLines.some((l) => /^[ \t]/.test(l) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(l))) return invalid('malformed header line (obs-fold or no name)');
  if (te.length > 0 && cl.length > 0) return invalid('both Transfer-Encoding and Content-Length');
  if (te.length > 0) {
    const codings = te.join(',').split(',').map((c) => c.trim().toLowerCase());
    if (codings[codings.length - 1] !== 'chunked' || codings.length !== 1) return invalid(`Transfer-Encoding ${te.join(', ')}`);
    const chunked = readChunked(buf, bodyAt);
    // The peer left mid-body: what arrived is logged, as incomplete.
    if (chunked === 'incomplete') return closing ? cutShort('chunked') : 'incomplete';
    if (chunked === 'invalid') return invalid('bad chunked body');
    return { request: { ...base, headers, framing: 'chunked', body: Buffer.from(chunked.body), trailers: chunked.trailers, complete: true }, consumed: chunked.end };
  }
  if (cl.length > 0) {
    if (new Set(cl).size !== 1 || !/^\d{1,15}$/.test(cl[0] as string)) return invalid(`Content-Length ${cl.join(', ')}`);
    const length = Number(cl[0]);
    if (buf.length < bodyAt + length) return closing ? cutShort('content-length') : 'incomplete';
    return { request: { ...base, headers, framing: 'content-length', body: Buffer.from(buf.subarray(bodyAt, bodyAt + length)), trailers: [], complete: true }, consumed: bodyAt + length };
  }
  return { request: { ...base, headers, framing: 'none', body: Buffer.alloc(0), trailers: [], complete: true }, consumed: bodyAt };
}

function answer(socket: net.Socket, r: RecordedRequest, reply: Reply, begun: () => void): void {
  if (socket.destroyed) return;
  if (reply.kind === 'hold') return begun();
  const text = JSON.stringify(reply.body);
  const status = reply.kind === 'json' ? (reply.status ?? 200) : 200;
  const extra = reply.kind === 'json' ? Object.entries(reply.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('') : '';
  const head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}\r\n`;
  const bodyBytes = r.method === 'HEAD' ? '' : text;
  if (reply.kind === 'json') {
    socket.write(head + bodyBytes);
    return begun();
  }
  const half = Buffer.from(bodyBytes).subarray(0, Math.floor(Buffer.byteLength(bodyBytes) / 2));
  socket.write(Buffer.concat([Buffer.from(head), half]), () => {
    if (reply.kind === 'cut') socket.resetAndDestroy();
    begun();
  });
}
