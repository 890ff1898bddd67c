import express from 'express';
import request from 'supertest';
import { healthHandler, problemResponder, silentLogger } from '../index';

function app(ping: () => Promise<unknown>): express.Application {
  const a = express();
  a.get('/health', healthHandler({ ping }));
  a.use(problemResponder(silentLogger));
  return a;
}

describe('healthHandler', () => {
  it('answers ok while the database answers', async () => {
    let pings = 0;
    const res = await request(
      app(() => {
        pings++;
        return Promise.resolve();
      }),
    ).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(pings).toBe(1);
  });

  it('answers 503 database-unavailable as problem+json when the ping fails, without the driver error', async () => {
    const res = await request(app(() => Promise.reject(new Error('ECONNREFUSED 10.0.0.7:3306')))).get('/health');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'urn:strangler:problem:database-unavailable', title: 'Database unavailable', status: 503, detail: 'database is not answering' });
    expect(res.text).not.toContain('ECONNREFUSED');
  });
});
