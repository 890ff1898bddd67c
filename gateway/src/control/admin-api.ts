import http from 'node:http';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../observability/logger';
import type { ADMIN_ANSWERS } from './admin-answers';
import { adminGate } from './admin-auth';
import { ADMIN_PATHS } from './admin-paths';
import { AdminHttpError, sendProblem } from './admin-problems';
import { parseExplainQuery, parseFlip, parseHistoryQuery, parseIfMatch, parseRollback, parseRolloutAction, parseRolloutStart, parseShadowReportQuery, ROLLOUT_ACTIONS, type RolloutAction } from './admin-requests';
import { mountDashboardEndpoints } from './dashboard/api';
import type { DashboardDeps } from './dashboard/deps';
import { mountDashboardPage, pageAssets } from './dashboard/page';
import { ControlError } from './errors';
import type { RolloutControl } from './rollout/types';
import type { Control } from './types';

export interface AdminServerDeps {
  readonly control: Control;
  /** Rollouts (start, status, pause, resume, abort); without them those endpoints answer store-unavailable. */
  readonly rollouts?: RolloutControl;
  /** STRANGLER_ADMIN_TOKEN; undefined or empty refuses every request. */
  readonly token: string | undefined;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** The admin listener's own origins (dashboard/origins.ts), the only ones a browser may call the API from; known once it listens. */
  readonly origins?: () => readonly string[];
  /** The dashboard's data; without it, /dashboard is not served. */
  readonly dashboard?: DashboardDeps;
}

/** Requests are a few hundred bytes; anything much larger is a mistake or an attack. */
export const ADMIN_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The admin API on its own http.Server, so it can listen on a private address (127.0.0.1:9090)
 * and never share a listener, a body limit or a middleware chain with proxied traffic.
 */
export function createAdminServer(deps: AdminServerDeps): http.Server {
  // Short timeouts: requests are tiny, and a slow client should not hold the operators' API.
  return http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, createAdminApp(deps));
}

/**
 * The routes. Every change goes through the Control (the same code the CLI calls), so the API
 * adds transport concerns only: authentication, strict parsing, preconditions and problem+json.
 * There is no PUT, PATCH or DELETE: route state moves by flip and rollback, each one appended
 * to the audit log, and nothing rewrites the log.
 */
export function createAdminApp(deps: AdminServerDeps): express.Express {
  const { control, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  // ETags here are state versions, set explicitly; express's body hashes would mean nothing to If-Match.
  app.set('etag', false);
  app.use(securityHeaders);
  app.use(logRequests(logger));
  if (deps.dashboard) mountDashboardPage(app, pageAssets());
  app.use(adminGate(deps.token, deps.origins));

  mountRouteStateEndpoints(app, control, clock);
  mountReportEndpoints(app, control, clock);
  mountRolloutEndpoints(app, deps.rollouts ?? null);
  if (deps.dashboard) mountDashboardEndpoints(app, deps.dashboard);

  app.use((req) => {
    throw new AdminHttpError('not-found', `no admin endpoint ${req.method} ${req.path.slice(0, 200)}`);
  });
  app.use(onError(logger));
  return app;
}

/** The route state: read it, explain a request against it, and change it by flip or rollback. */
function mountRouteStateEndpoints(app: express.Express, control: Control, clock: () => Date): void {
  // requireJson has already checked the media type; parsing whatever passed it avoids a second, possibly different, opinion.
  const jsonBody = [requireJson, express.json({ limit: ADMIN_BODY_LIMIT_BYTES, type: () => true, inflate: false, strict: true })];

  app
    .route(ADMIN_PATHS.routes)
    .get(async (_req, res) => {
      const list = await control.list();
      send(res.set('ETag', `"${list.version}"`), 'routes', list);
    })
    .all(notAllowed('GET, HEAD'));

  app
    .route(ADMIN_PATHS.explain)
    .get(async (req, res) => {
      const q = parseExplainQuery(req.query, clock());
      send(res, 'explain', await control.explain(q.method, q.path, q.since));
    })
    .all(notAllowed('GET, HEAD'));

  app
    .route(ADMIN_PATHS.flip)
    .post(...jsonBody, async (req, res) => {
      const ifMatch = parseIfMatch(req.get('if-match'));
      const result = await control.flip(routeIdOf(req), parseFlip(req.body), viaOf(req), ifMatch);
      send(res.status(201).set('ETag', `"${result.version}"`), 'flip', result);
    })
    .all(notAllowed('POST'));

  app
    .route(ADMIN_PATHS.rollback)
    .post(...jsonBody, async (req, res) => {
      const ifMatch = parseIfMatch(req.get('if-match'));
      const result = await control.rollback(routeIdOf(req), parseRollback(req.body), viaOf(req), ifMatch);
      send(res.status(201).set('ETag', `"${result.version}"`), 'rollback', result);
    })
    .all(notAllowed('POST'));
}

/** What happened: the audit log and the shadow comparison report. */
function mountReportEndpoints(app: express.Express, control: Control, clock: () => Date): void {
  app
    .route(ADMIN_PATHS.history)
    .get(async (req, res) => {
      const q = parseHistoryQuery(req.query);
      send(res, 'history', await control.history(q.route, q.limit));
    })
    .all(notAllowed('GET, HEAD'));

  app
    .route(ADMIN_PATHS.shadowReport)
    .get(async (req, res) => {
      const q = parseShadowReportQuery(req.query, clock());
      send(res, 'shadowReport', await control.shadowReport(q.route, q.since));
    })
    .all(notAllowed('GET, HEAD'));
}

/** Rollouts: start and read one per route, pause, resume or abort it, and every route's newest one (for a dashboard). */
function mountRolloutEndpoints(app: express.Express, rollouts: RolloutControl | null): void {
  const parseJson = express.json({ limit: ADMIN_BODY_LIMIT_BYTES, type: () => true, inflate: false, strict: true });
  const jsonBody = [requireJson, parseJson];
  const need = (): RolloutControl => {
    if (!rollouts) throw new ControlError('store-unavailable', 'rollouts are not available on this admin API');
    return rollouts;
  };

  app
    .route(ADMIN_PATHS.rollouts)
    .get(async (_req, res) => send(res, 'rollouts', await need().rolloutList()))
    .all(notAllowed('GET, HEAD'));

  app
    .route(ADMIN_PATHS.rollout)
    .get(async (req, res) => send(res, 'rollout', await need().rolloutStatus(routeIdOf(req))))
    .post(...jsonBody, async (req, res) => send(res.status(201), 'rollout', await need().rolloutStart(routeIdOf(req), parseRolloutStart(req.body), viaOf(req))))
    .all(notAllowed('GET, HEAD, POST'));

  // pause, resume and abort need nothing but the URL: an empty body needs no Content-Type (a body still has to be JSON).
  const optionalJsonBody = [requireJsonUnlessEmpty, parseJson];
  app
    .route(ADMIN_PATHS.rolloutAction)
    .post(...optionalJsonBody, async (req, res) => {
      const action = actionOf(req);
      const request = parseRolloutAction(req.body);
      const r = need();
      const status = action === 'pause' ? await r.rolloutPause(routeIdOf(req), request, viaOf(req)) : action === 'resume' ? await r.rolloutResume(routeIdOf(req), request, viaOf(req)) : await r.rolloutAbort(routeIdOf(req), request, viaOf(req));
      send(res, 'rolloutAction', status);
    })
    .all(notAllowed('POST'));
}

function actionOf(req: Request): RolloutAction {
  const action = ROLLOUT_ACTIONS.find((a) => a === req.params['action']);
  if (!action) throw new AdminHttpError('not-found', `no rollout action "${String(req.params['action']).slice(0, 40)}": use ${ROLLOUT_ACTIONS.join(', ')}`);
  return action;
}

/**
 * A success answer, typed by the schema the admin client parses it with (ADMIN_ANSWERS): what an
 * endpoint sends and what the client accepts cannot drift apart without the compiler saying so.
 */
function send<K extends keyof typeof ADMIN_ANSWERS>(res: Response, _endpoint: K, body: z.input<(typeof ADMIN_ANSWERS)[K]>): void {
  res.json(body);
}

/** Admin answers are live state: a cache or a browser must never replay one, nor sniff it into HTML. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  next();
};

/**
 * The peer address as recorded in the audit log; the API listens privately, so no forwarded headers
 * are believed. A request with an Origin passed the gate only from the listener's own origin: the dashboard.
 */
function viaOf(req: Request): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return `${req.headers.origin === undefined ? 'admin-api' : 'dashboard'} ${address.startsWith('::ffff:') ? address.slice(7) : address}`;
}

function routeIdOf(req: Request): string {
  const id: unknown = req.params['id'];
  return typeof id === 'string' ? id : '';
}

function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    // Read now: the socket's address is gone once it closes.
    const { method, path } = req;
    const via = viaOf(req);
    res.on('finish', () => {
      const fields = { method, path, status: res.statusCode, via, ms: Date.now() - started };
      if (res.statusCode >= 500) logger.error('admin request', fields);
      else if (res.statusCode === 401 || res.statusCode === 403) logger.warn('admin request refused', fields);
      else logger.info('admin request', fields);
    });
    next();
  };
}

/**
 * Only JSON bodies: an HTML form can send urlencoded, multipart or text/plain without a CORS
 * preflight, never application/json, so this also keeps forms out. A write without a body must
 * still say it is JSON.
 */
const requireJson: RequestHandler = (req, _res, next) => {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AdminHttpError('unsupported-media-type', `send the body as Content-Type: application/json, not ${JSON.stringify(req.get('content-type') ?? 'none')}`);
  }
  next();
};

/** requireJson, except for a request without a body (no Content-Length, or 0, and no Transfer-Encoding). */
const requireJsonUnlessEmpty: RequestHandler = (req, res, next) => {
  const empty = req.get('transfer-encoding') === undefined && Number(req.get('content-length') ?? 0) === 0;
  if (empty) return next();
  requireJson(req, res, next);
};

function notAllowed(allow: string): RequestHandler {
  return (req) => {
    throw new AdminHttpError('method-not-allowed', `${req.method} is not allowed on ${req.path}: route state changes only by flip and rollback, and the audit log is never rewritten`, { Allow: allow });
  };
}

/** body-parser's refusals, by their `type`, as problems; anything else is not a client mistake we can name. */
function parserProblem(e: unknown): ControlError | AdminHttpError | null {
  if (typeof e !== 'object' || e === null) return null;
  const { type, status } = e as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.too.large':
      return new AdminHttpError('payload-too-large', `request bodies are limited to ${ADMIN_BODY_LIMIT_BYTES} bytes`);
    case 'entity.parse.failed':
      return new ControlError('invalid-request', 'the request body is not valid JSON (or not a JSON object)');
    case 'encoding.unsupported':
      return new AdminHttpError('unsupported-media-type', 'send the body uncompressed (no Content-Encoding)');
    case 'charset.unsupported':
      return new AdminHttpError('unsupported-media-type', 'send the body as UTF-8');
  }
  // Other http-errors raised by express itself (a malformed %-escape in the path, an aborted body).
  if (typeof status === 'number' && status >= 400 && status < 500) return new ControlError('invalid-request', 'the request could not be read');
  return null;
}

function onError(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ControlError || error instanceof AdminHttpError) return sendProblem(res, error);
    const known = parserProblem(error);
    if (known) return sendProblem(res, known);
    // The stack goes to the log only: a client learns that it failed, not how.
    logger.error('admin API request failed', { method: req.method, path: req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    sendProblem(res, new AdminHttpError('internal-error', 'the admin API failed on this request; the gateway log has the details'));
  };
}
