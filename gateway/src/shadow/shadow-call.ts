import http from 'node:http';
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { CompiledUpstream } from '../config/table';
import type { AgentPool } from '../forwarding/agents';

/** A shadow side's answer, read whole up to a cap. */
export interface CalledAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly ms: number;
  /**
   * When the request this answers was made (ms since the epoch): the client's arrival at the
   * gateway for the primary, the call's start for a shadow call. A mapping translates the answer
   * with it as the request time (`$now`), as the client's own answer was translated.
   */
  readonly requestedAt: number;
}

export type CallResult = { readonly ok: true; readonly answer: CalledAnswer } | { readonly ok: false; readonly timeout: boolean; readonly detail: string; readonly ms: number };

export interface ShadowRequest {
  readonly upstream: CompiledUpstream;
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | null;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** Response headers as one lower-case map (repeated fields joined, as HTTP allows). */
export function headerMap(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * One call off the response path: its own pool, one deadline for connect, answer and body, and a
 * cap on what is read (the rest is dropped and the answer marked truncated). Never throws.
 */
export function callShadow(r: ShadowRequest, agents: AgentPool): Promise<CallResult> {
  const started = process.hrtime.bigint();
  const requestedAt = Date.now();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: CallResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const { hostname, port, protocol } = r.upstream.origin;
    const headers = { ...r.headers, ...(r.body ? { 'content-length': r.body.length } : {}) };
    const req = (protocol === 'https:' ? https : http).request({ host: hostname, port, method: r.method, path: r.path, headers, agent: agents.get(r.upstream) });
    const timer = setTimeout(() => {
      finish({ ok: false, timeout: true, detail: `no complete answer within ${r.timeoutMs} ms`, ms: elapsed() });
      req.destroy();
    }, r.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, timeout: false, detail: e.code ?? e.message, ms: elapsed() }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        if (size + chunk.length > r.maxResponseBytes) {
          truncated = true;
          // What is beyond the cap is not wanted: stop reading and free the socket.
          res.destroy();
          finish({ ok: true, answer: { status: res.statusCode ?? 0, headers: headerMap(res), body: Buffer.concat(chunks, size), truncated, ms: elapsed(), requestedAt } });
          return;
        }
        size += chunk.length;
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, answer: { status: res.statusCode ?? 0, headers: headerMap(res), body: Buffer.concat(chunks, size), truncated, ms: elapsed(), requestedAt } }));
      res.on('error', () => finish({ ok: false, timeout: false, detail: 'answer cut short', ms: elapsed() }));
      res.on('close', () => {
        if (!res.complete) finish({ ok: false, timeout: false, detail: 'answer cut short', ms: elapsed() });
      });
    });
    req.end(r.body ?? undefined);
  });
}
