import express from 'express';
import request from 'supertest';
import { requestLog, traceHeaders, type Logger } from '../index';

type Line = [string, Record<string, unknown> | undefined];

function recorder(lines: Line[]): Logger {
  return { info: (m, meta) => lines.push([m, meta]), warn: () => undefined, error: () => undefined };
}

function appWith(logger: Logger, fields?: Parameters<typeof requestLog>[1]): express.Application {
  const app = express();
  app.use(requestLog(logger, fields));
  app.get('/echo', (_req, res) => {
    res.json({ requestId: res.locals.requestId });
  });
  return app;
}

/** The line is written on 'finish', which may come just after the client has the answer. */
async function linesAfter(lines: Line[], count: number): Promise<Line[]> {
  while (lines.length < count) await new Promise((resolve) => setImmediate(resolve));
  return lines;
}

describe('requestLog', () => {
  it('one line per request with requestId, method, path, status and duration; the id is answered and kept for the handlers', async () => {
    const lines: Line[] = [];
    const res = await request(appWith(recorder(lines))).get('/echo?x=1').set('x-request-id', 'req-123').expect(200);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body).toEqual({ requestId: 'req-123' });
    expect(await linesAfter(lines, 1)).toEqual([
      ['request', { requestId: 'req-123', traceId: expect.stringMatching(/^[0-9a-f]{32}$/), method: 'GET', path: '/echo?x=1', status: 200, durationMs: expect.any(Number) }],
    ]);
  });

  it('an id outside the rule is replaced, in the answer and in the line alike', async () => {
    const lines: Line[] = [];
    const res = await request(appWith(recorder(lines))).get('/nothing').set('x-request-id', 'x'.repeat(200)).expect(404);
    const replaced = res.headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await linesAfter(lines, 1))[0]?.[1]).toMatchObject({ requestId: replaced, status: 404 });
  });

  it('a part adds its own fields to the line', async () => {
    const lines: Line[] = [];
    const app = appWith(recorder(lines), (req) => (req.get('x-strangler-shadow') === '1' ? { shadow: true } : {}));
    await request(app).get('/echo').set('x-strangler-shadow', '1');
    await request(app).get('/echo');
    const [copy, real] = await linesAfter(lines, 2);
    expect(copy?.[1]).toMatchObject({ shadow: true });
    expect(real?.[1]).not.toHaveProperty('shadow');
  });

  it('continues the caller\'s trace: the line carries its traceId, and calls made while serving send it on with this hop as parent', async () => {
    const lines: Line[] = [];
    const app = express();
    app.use(requestLog(recorder(lines)));
    app.use(express.json());
    // After the body parser and an await, as a handler that calls another service would be.
    app.post('/call', async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve));
      res.json(traceHeaders());
    });
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await request(app).post('/call').set('traceparent', incoming).set('tracestate', 'rojo=1').send({ a: 1 }).expect(200);
    expect(res.body.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(res.body.traceparent).not.toBe(incoming);
    expect(res.body.tracestate).toBe('rojo=1');
    expect((await linesAfter(lines, 1))[0]?.[1]).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('a malformed traceparent starts a new trace; outside a request there is nothing to send', async () => {
    const lines: Line[] = [];
    const app = express();
    app.use(requestLog(recorder(lines)));
    app.get('/call', (_req, res) => res.json(traceHeaders()));
    const res = await request(app).get('/call').set('traceparent', '00-00000000000000000000000000000000-00f067aa0ba902b7-01').expect(200);
    const traceId = (await linesAfter(lines, 1))[0]?.[1]?.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(traceHeaders()).toEqual({});
  });
});
