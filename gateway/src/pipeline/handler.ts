import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledRoute, CompiledTarget, RouteTable } from '../config/table';
import type { AgentPool } from '../forwarding/agents';
import { forwardResilient, type ResilientDeps } from '../forwarding/resilient';
import { streamResponse, type ForwardOutcome, type Forwarding, type Responder } from '../forwarding/forward';
import { composingResponder } from '../forwarding/compose';
import { startParts, type PartDeps, type PendingParts } from '../forwarding/optional-parts';
import type { ShadowMirror, ShadowTicket } from '../shadow/mirror';
import type { TranslationMapping } from '../translate/mapping';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import { normalizeTarget } from '../routing/normalize';
import { WRITE_METHODS } from '../http/methods';
import { CLIENT_LEFT, translateRequestBody } from '../translate/request';
import { translatingResponder } from '../translate/response';
import { createContext, type RequestContext } from './context';
import { decide, type Decision } from './decide';
import { checkRequestHead } from './guards';
import { closingSockets, GatewayError, sendProblem } from './problems';

export interface PipelineDeps {
  /** The table in service; read once per request so that a swap never splits a request. */
  readonly table: () => RouteTable;
  readonly agents: AgentPool;
  /** Breakers, budgets and bulkheads (kept across table swaps), the clock and the random source. */
  readonly resilience: ResilientDeps;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Counts what each upstream receives per route, for the proof of retirement across a fleet. */
  readonly traffic?: { count(routeId: string, upstream: string): void };
  /** Paths never served nor forwarded on the public listener (the admin API's): a 404. */
  readonly reserved: (path: string) => boolean;
  /** Mirrors and compares shadowed requests, off the response path. */
  readonly shadow?: ShadowMirror;
}

interface Disposition {
  route: string;
  upstream: string;
  mode: string;
  path: string;
  why?: string;
  /** The upstream that failed before legacy answered instead. */
  fellBackFrom?: string;
  error?: GatewayError;
  /** Optional parts left out of the answer, with why. */
  degraded?: string;
}

/**
 * The proxied-traffic path: a plain Node request listener (no framework middleware chain),
 * running context → guards → normalise → match → decide → forward, and one log line and one
 * metrics observation per request when the response closes.
 */
export function createProxyHandler(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const partDeps: PartDeps = { agents: deps.agents, circuitOpen: (u) => deps.resilience.registry.circuit(u)?.state === 'open' };
  return (req, res) => {
    if (closingSockets.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    const table = deps.table();
    const ctx = createContext(req, table.trustedProxies);
    const d: Disposition = { route: '-', upstream: '-', mode: '-', path: '-' };
    res.once('close', () => finish(deps, req, res, ctx, d));

    const refused = checkRequestHead(req, table.limits);
    if (refused) return reject(res, ctx, d, refused, refused.status === 400 || refused.status === 413);
    const target = normalizeTarget(req.url ?? '/');
    if (!target.ok) return reject(res, ctx, d, new GatewayError('bad-request-target', target.reason), false);
    d.path = target.path;
    // Judged on the normalised path, so that no spelling of an admin path slips through to an upstream either.
    if (deps.reserved(target.path)) return reject(res, ctx, d, new GatewayError('no-route', 'the admin API is served on its own listener only'), false);
    const method = req.method ?? 'GET';
    const match = table.matcher.match(method, target.segments);
    if (!match) return reject(res, ctx, d, new GatewayError('no-route', `no route matches ${method} ${target.path}`), false);
    const { route, params } = match;
    d.route = route.id;
    d.mode = route.mode;
    const decision = decide(route, req, ctx.clientIp, table);
    if (!decision) return reject(res, ctx, d, new GatewayError('upstream-unavailable', `route "${route.id}" has no upstream to answer in mode ${route.mode}`), false);
    d.why = decision.why;
    const query = target.query ? `?${target.query}` : '';
    const done = (o: ForwardOutcome) => {
      if (o.error) d.error = o.error;
    };
    const ticket = shadowed(route, decision) ? (deps.shadow?.begin(route, decision.target, req, ctx, target.path, params, query) ?? null) : null;
    if (ticket) res.once('close', ticket.closed);
    // Started with the first try and shared by a fallback's; dropped if the client leaves first.
    let parts: PendingParts | null = null;
    const send = (side: CompiledTarget, body: Buffer | undefined, fallback: CompiledTarget | null, copy: ShadowTicket | null = null) => {
      d.upstream = side.upstream.name;
      deps.metrics.sent(route.id, side.upstream.name);
      deps.traffic?.count(route.id, side.upstream.name);
      const responseMapping = side.translate?.response;
      if (!parts && method === 'GET' && route.optionalParts.length > 0) {
        const started = (parts = startParts(route.optionalParts, params, req, ctx, partDeps));
        // Only requests that fetch parts pay for the listener that cancels them.
        res.once('close', () => started.cancel());
      }
      const respond = parts
        ? composingResponder({
            parts,
            inner: responseMapping ? responderFor(responseMapping) : streamResponse,
            mapping: responseMapping ?? null,
            capBytes: TRANSLATE_CAP_BYTES,
            onDegraded: (dropped) => {
              d.degraded = dropped.map((p) => `${p.field} (${p.why})`).join(', ');
              for (const p of dropped) deps.resilience.event?.('part-dropped', `${route.id}.${p.field}`);
            },
          })
        : responseMapping && responderFor(responseMapping);
      const f: Forwarding = {
        req,
        res,
        ctx,
        upstream: side.upstream,
        path: side.buildPath(target.path, params) + query,
        maxBodyBytes: table.limits.maxBodyBytes,
        ...(body ? { body } : {}),
        ...(copy ? { respond: copy.wrap(respond || streamResponse) } : respond ? { respond } : {}),
        ...(fallback
          ? {
              fallback: (why: GatewayError) => {
                d.fellBackFrom = `${side.upstream.name} (${why.code})`;
                delete d.error;
                send(fallback, undefined, null);
              },
            }
          : {}),
      };
      forwardResilient(f, { routeId: route.id, policy: side.policy, fallback: route.fallback }, deps.resilience, done);
    };
    // The request passed every check that needs no body: now the client may send it (a refusal before this point was sent instead of 100 Continue).
    if (req.headers.expect !== undefined) res.writeContinue();
    const side = decision.target;
    const requestMapping = side.translate?.request;
    if (!requestMapping || !WRITE_METHODS.has(method)) return send(side, undefined, decision.fallback, ticket);
    translateRequestBody(req, requestMapping, table.limits.maxBodyBytes, new Date(ctx.receivedAt)).then(
      (body) => {
        if (body === CLIENT_LEFT) return;
        if (body instanceof GatewayError) reject(res, ctx, d, body, body.status === 413);
        else send(side, body, null, ticket);
      },
      (e: unknown) => reject(res, ctx, d, new GatewayError('internal-error', e instanceof Error ? e.message : String(e)), true),
    );
  };
}

/** Shadow mode (legacy answers, new gets a copy) or a reverse shadow in mode new; a forced request is a debugging call, not traffic to compare. */
function shadowed(route: CompiledRoute, decision: Decision): boolean {
  if (!route.shadow || decision.why === 'forced') return false;
  return route.mode === 'shadow' ? decision.target.side === 'legacy' : route.mode === 'new' && route.shadow.config.reverse;
}


/** The most of an upstream answer the gateway buffers to translate. */
const TRANSLATE_CAP_BYTES = 16 * 1024 * 1024;

/** One responder per compiled mapping, built on first use rather than per request; dropped with the table. */
const responders = new WeakMap<TranslationMapping, Responder>();
function responderFor(mapping: TranslationMapping): Responder {
  let responder = responders.get(mapping);
  if (!responder) responders.set(mapping, (responder = translatingResponder(mapping, TRANSLATE_CAP_BYTES)));
  return responder;
}

function reject(res: ServerResponse, ctx: RequestContext, d: Disposition, error: GatewayError, close: boolean): void {
  d.error = error;
  sendProblem(res, error, ctx.requestId, close);
}

function finish(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse, ctx: RequestContext, d: Disposition): void {
  const seconds = Number(process.hrtime.bigint() - ctx.startedAt) / 1e9;
  // Unfinished: the upstream's fault when it cut the answer short, else 499, the client went away (nginx's convention).
  const status = res.writableFinished ? res.statusCode : (d.error?.status ?? 499);
  deps.metrics.observe(d.route, d.upstream, d.mode, status, seconds);
  const entry = {
    requestId: ctx.requestId,
    method: req.method,
    path: d.path,
    route: d.route,
    upstream: d.upstream,
    mode: d.mode,
    status,
    durationMs: Math.round(seconds * 1e6) / 1e3,
    client: ctx.clientIp,
    ...(d.why && d.why !== 'mode' ? { decidedBy: d.why } : {}),
    ...(d.fellBackFrom ? { fallbackFrom: d.fellBackFrom } : {}),
    ...(d.degraded ? { degraded: d.degraded } : {}),
    ...(d.error ? { error: d.error.code, detail: d.error.message } : {}),
  };
  if (status >= 500) deps.logger.warn('request', entry);
  else deps.logger.info('request', entry);
}
