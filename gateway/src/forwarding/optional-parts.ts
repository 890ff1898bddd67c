import http from 'node:http';
import https from 'node:https';
import type { TableIssue } from '../config/errors';
import type { CompiledUpstream } from '../config/table';
import type { RequestContext } from '../pipeline/context';
import { upstreamRequestHeaders } from '../pipeline/headers';
import type { Params } from '../routing/pattern';
import { compileRewrite, type PathBuilder } from '../routing/rewrite';
import type { OptionalPartConfig } from '../resilience/schema';
import { isJson, readBody } from '../http/body';
import type { AgentPool } from './agents';
import { upstreamFailure } from './socket-errors';

/** A part merged into a route's answer when its upstream answers in time; compiled once at load. */
export interface CompiledPart {
  readonly field: string;
  readonly upstream: CompiledUpstream;
  readonly buildPath: PathBuilder;
  readonly timeoutMs: number;
}

/**
 * Checks a route's optional parts against the table (known upstream, one part per field, a path
 * template using only the route's parameters) and compiles them, so a bad part refuses the table.
 */
export function compileOptionalParts(
  configs: readonly OptionalPartConfig[] | undefined,
  routePath: string,
  upstreams: ReadonlyMap<string, CompiledUpstream>,
  at: string,
  issues: TableIssue[],
): readonly CompiledPart[] {
  const parts: CompiledPart[] = [];
  const fields = new Set<string>();
  (configs ?? []).forEach((config, i) => {
    const here = `${at}[${i}]`;
    const before = issues.length;
    if (fields.has(config.field)) issues.push({ path: `${here}.field`, message: `field "${config.field}" is already filled by another part` });
    fields.add(config.field);
    const upstream = upstreams.get(config.upstream);
    if (!upstream) issues.push({ path: `${here}.upstream`, message: `unknown upstream "${config.upstream}"` });
    let buildPath: PathBuilder | undefined;
    try {
      buildPath = compileRewrite(config.path, routePath);
    } catch (e) {
      issues.push({ path: `${here}.path`, message: e instanceof Error ? e.message : String(e) });
    }
    if (upstream && buildPath && issues.length === before) parts.push(Object.freeze({ field: config.field, upstream, buildPath, timeoutMs: config.timeoutMs }));
  });
  return Object.freeze(parts);
}

/** A part's outcome: its JSON value, or why it is left out (for the request log). */
export type PartResult = { readonly field: string; readonly ok: true; readonly value: unknown } | { readonly field: string; readonly ok: false; readonly why: string };

export type DroppedPart = Extract<PartResult, { readonly ok: false }>;

/** The parts of one request, in flight beside the primary. */
export interface PendingParts {
  /** Settles when every part has answered, failed or run out of time; never rejects. */
  readonly results: Promise<readonly PartResult[]>;
  /** The primary will not be composed (or the client left): the parts still running are dropped. */
  cancel(): void;
}

export interface PartDeps {
  readonly agents: AgentPool;
  /** True while the upstream's circuit is open: the part is left out without a call. */
  readonly circuitOpen?: (upstream: string) => boolean;
}

/** The most of a part's body the gateway reads: a part is a strip of a page, not a page. */
const PART_CAP_BYTES = 1024 * 1024;
/** Client fields that could make a part answer other than a whole, plain JSON body (a 304, a range, gzip). */
const NOT_FOR_PARTS = ['content-length', 'transfer-encoding', 'content-type', 'expect', 'accept-encoding', 'range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'];

/** Starts every part at once, each with its own timeout; never retried, since a late part is simply left out. */
export function startParts(parts: readonly CompiledPart[], params: Params, req: http.IncomingMessage, ctx: RequestContext, deps: PartDeps): PendingParts {
  const stop = new AbortController();
  const results = Promise.all(parts.map((part) => fetchPart(part, part.buildPath('', params), req, ctx, deps, stop.signal)));
  return { results, cancel: () => stop.abort() };
}

function fetchPart(part: CompiledPart, path: string, req: http.IncomingMessage, ctx: RequestContext, deps: PartDeps, signal: AbortSignal): Promise<PartResult> {
  const { field, upstream } = part;
  if (signal.aborted) return Promise.resolve({ field, ok: false, why: 'cancelled' });
  if (deps.circuitOpen?.(upstream.name)) return Promise.resolve({ field, ok: false, why: 'circuit-open' });
  const headers = upstreamRequestHeaders(req, ctx, upstream);
  for (const name of NOT_FOR_PARTS) delete headers[name];
  headers['accept'] = 'application/json';
  const { hostname, port, protocol } = upstream.origin;
  const proxyReq = (protocol === 'https:' ? https : http).request({ host: hostname, port, method: 'GET', path, headers, agent: deps.agents.get(upstream) });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: PartResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // A part that failed must not keep its upstream busy; a whole answer leaves the socket to the pool.
      if (!result.ok) proxyReq.destroy();
      resolve(result);
    };
    const fail = (why: string) => settle({ field, ok: false, why });
    const timer = setTimeout(() => fail('timeout'), part.timeoutMs);
    const onAbort = () => fail('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    proxyReq.on('error', (err) => fail(upstreamFailure(upstream.name, err).code));
    proxyReq.on('response', (partRes) => {
      const status = partRes.statusCode ?? 502;
      if (status < 200 || status >= 300) return fail(`status ${status}`);
      if (!isJson(partRes.headers['content-type']) || (partRes.headers['content-encoding'] ?? 'identity') !== 'identity') return fail('not-json');
      void readBody(partRes, PART_CAP_BYTES).then((read) => {
        if (!read.ok) return fail(read.why === 'too-large' ? 'too-large' : 'upstream-reset');
        try {
          settle({ field, ok: true, value: JSON.parse(read.body.toString('utf8')) as unknown });
        } catch {
          fail('not-json');
        }
      });
    });
    proxyReq.end();
  });
}
