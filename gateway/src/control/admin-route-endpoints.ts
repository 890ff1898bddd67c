import express from 'express';
import { ADMIN_BODY_LIMIT_BYTES, notAllowed, requireJson, routeIdOf, send, viaOf } from './admin-http';
import { ADMIN_PATHS } from './admin-paths';
import { parseExplainQuery, parseFlip, parseHistoryQuery, parseIfMatch, parseRollback, parseShadowReportQuery } from './admin-requests';
import type { Control } from './types';

/** The route state: read it, explain a request against it, and change it by flip or rollback. */
export function mountRouteStateEndpoints(app: express.Express, control: Control, clock: () => Date): void {
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
export function mountReportEndpoints(app: express.Express, control: Control, clock: () => Date): void {
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
