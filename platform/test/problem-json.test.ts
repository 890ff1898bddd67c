import express from 'express';
import request from 'supertest';
import { HTTP_PROBLEMS, Problem, notFoundProblem, problemBody, problemResponder, requestLog, silentLogger, type Logger } from '../index';

const PROBLEM_JSON = /^application\/problem\+json/;

class Refused extends Error {}

function recorder(lines: Array<[string, string, Record<string, unknown> | undefined]>): Logger {
  return {
    info: () => undefined,
    warn: (m, meta) => lines.push(['warn', m, meta]),
    error: (m, meta) => lines.push(['error', m, meta]),
  };
}

function appThrowing(err: unknown, logger: Logger = silentLogger): express.Application {
  const app = express();
  app.use(requestLog(silentLogger));
  app.use(express.json({ limit: '1kb' }));
  app.post('/body', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/fail', () => {
    throw err;
  });
  app.get('/half', (_req, res) => {
    res.write('partial');
    throw err;
  });
  app.use(notFoundProblem);
  app.use(problemResponder(logger, (e) => (e instanceof Refused ? new Problem('not-found', HTTP_PROBLEMS['not-found'], e.message) : undefined)));
  return app;
}

describe('problemBody', () => {
  it('is RFC 9457 with a URN type, field errors when there are any, extension members, then the request id', () => {
    const problem = new Problem('illegal-move', { status: 409, title: 'Move not allowed' }, 'shipped orders stay shipped', [{ path: 'to', message: 'not allowed' }], {
      members: { allowed: ['cancelled'] },
    });
    expect(JSON.stringify(problemBody(problem, 'req-1'))).toBe(
      '{"type":"urn:strangler:problem:illegal-move","title":"Move not allowed","status":409,"detail":"shipped orders stay shipped",' +
        '"errors":[{"path":"to","message":"not allowed"}],"allowed":["cancelled"],"requestId":"req-1"}',
    );
    expect(problemBody(new Problem('not-found', HTTP_PROBLEMS['not-found'], 'gone'))).toEqual({ type: 'urn:strangler:problem:not-found', title: 'Not found', status: 404, detail: 'gone' });
  });
});

describe('problemResponder', () => {
  it('answers a Problem as it is, with its headers and the request id', async () => {
    const problem = new Problem('method-not-allowed', { status: 405, title: 'Method not allowed' }, 'use GET', [], { headers: { allow: 'GET' } });
    const res = await request(appThrowing(problem)).get('/fail').set('x-request-id', 'r-1').expect(405);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.headers.allow).toBe('GET');
    expect(res.body).toEqual({ type: 'urn:strangler:problem:method-not-allowed', title: 'Method not allowed', status: 405, detail: 'use GET', requestId: 'r-1' });
  });

  it("maps the part's own errors through its mapper", async () => {
    const res = await request(appThrowing(new Refused('product 9 does not exist'))).get('/fail').expect(404);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:not-found', detail: 'product 9 does not exist' });
  });

  it.each([
    ['invalid JSON', 'application/json', '{"a": ', 400, 'invalid-json'],
    ['a body over the limit', 'application/json', JSON.stringify({ a: 'x'.repeat(2000) }), 413, 'payload-too-large'],
    ['a charset the parser cannot read', 'application/json; charset=klingon', '{}', 415, 'unsupported-media-type'],
  ])('answers %s from the body parser by its cause', async (_what, type, body, status, code) => {
    const res = await request(appThrowing(undefined)).post('/body').set('content-type', type).send(body).expect(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `urn:strangler:problem:${code}`, status });
  });

  it('an unknown error is a logged 500 that says nothing of the internals', async () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const res = await request(appThrowing(new Error('SQLITE_CORRUPT: secret detail'), recorder(lines))).get('/fail').set('x-request-id', 'r-2').expect(500);
    expect(res.body).toEqual({ type: 'urn:strangler:problem:internal-error', title: 'Internal error', status: 500, detail: 'internal error', requestId: 'r-2' });
    expect(lines).toEqual([['error', 'unhandled error', { requestId: 'r-2', method: 'GET', path: '/fail', error: 'SQLITE_CORRUPT: secret detail' }]]);
  });

  it('a known 5xx (a dependency down) is answered and logged as a warning', async () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const down = new Problem('database-unavailable', HTTP_PROBLEMS['database-unavailable'], 'database is not answering');
    await request(appThrowing(down, recorder(lines))).get('/fail').set('x-request-id', 'r-3').expect(503);
    expect(lines).toEqual([['warn', 'dependency failure', { requestId: 'r-3', code: 'database-unavailable', detail: 'database is not answering' }]]);
  });

  it('an answer already begun is cut, not followed by a problem', async () => {
    await expect(request(appThrowing(new Error('late'))).get('/half')).rejects.toThrow();
  });

  it('an unknown path is a 404 problem naming it', async () => {
    const res = await request(appThrowing(undefined)).delete('/nothing').expect(404);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:not-found', detail: 'no such resource: DELETE /nothing' });
  });
});
