import type express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { ADMIN_PATHS } from '../admin-paths';
import { AdminHttpError } from '../admin-problems';
import { DASHBOARD_ANSWERS } from './answers';
import { buildBurndown } from './burndown';
import type { DashboardDeps } from './deps';
import { buildOverview } from './overview';
import { previewFlip, previewRollback } from './preview';
import { parseBurndownQuery, parsePreviewQuery, parseTrafficQuery } from './requests';
import { routeTraffic } from './route-traffic';

/**
 * The read endpoints the dashboard's panels need, behind the admin API's gate like every other
 * admin endpoint. Changes still go through POST flip and rollback: the page has no write path
 * of its own, so what it can do is exactly what the CLI and the API can do.
 */
export function mountDashboardEndpoints(app: express.Express, deps: DashboardDeps): void {
  get(app, ADMIN_PATHS.dashboardOverview, async (_req, res) => send(res, 'overview', await buildOverview(deps)));
  get(app, ADMIN_PATHS.dashboardBurndown, async (req, res) => send(res, 'burndown', await buildBurndown(deps, parseBurndownQuery(req.query))));
  get(app, ADMIN_PATHS.dashboardPreview, async (req, res) => {
    const q = parsePreviewQuery(req.query);
    const preview = q.action === 'rollback' ? await previewRollback(deps, idOf(req)) : await previewFlip(deps, idOf(req), q.to, q.percent);
    send(res.set('ETag', `"${preview.version}"`), 'preview', preview);
  });
  get(app, ADMIN_PATHS.dashboardTraffic, async (req, res) => send(res, 'routeTraffic', await routeTraffic(deps, idOf(req), parseTrafficQuery(req.query, deps.clock()))));
}

function get(app: express.Express, path: string, handler: (req: Request, res: Response) => Promise<void>): void {
  app.route(path).get(handler).all(notAllowed);
}

/** Typed by the schema the answer is documented with, like the admin API's own `send`. */
function send<K extends keyof typeof DASHBOARD_ANSWERS>(res: Response, _answer: K, body: z.input<(typeof DASHBOARD_ANSWERS)[K]>): void {
  res.json(body);
}

function idOf(req: Request): string {
  const id: unknown = req.params['id'];
  return typeof id === 'string' ? id : '';
}

const notAllowed: RequestHandler = (req) => {
  throw new AdminHttpError('method-not-allowed', `${req.method} is not allowed on ${req.path}: the dashboard's endpoints only read`, { Allow: 'GET, HEAD' });
};
