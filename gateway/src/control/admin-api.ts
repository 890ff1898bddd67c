import http from 'node:http';
import express, { type Request } from 'express';
import type { Logger } from '../observability/logger';
import { adminGate } from './admin-auth';
import { onError } from './admin-errors';
import { ADMIN_BODY_LIMIT_BYTES, logRequests, notAllowed, requireJson, requireJsonUnlessEmpty, routeIdOf, securityHeaders, send, viaOf } from './admin-http';
import { ADMIN_PATHS } from './admin-paths';
import { AdminHttpError } from './admin-problems';
import { parseRolloutAction, parseRolloutStart, ROLLOUT_ACTIONS, type RolloutAction } from './admin-requests';
import { mountReportEndpoints, mountRouteStateEndpoints } from './admin-route-endpoints';
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
