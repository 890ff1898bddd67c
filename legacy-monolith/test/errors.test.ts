import request from 'supertest';
import type { Logger } from '../../platform';
import { createLegacyApp } from '../src/index';
import { appFor, memoryDb } from './kit';

describe('health and errors', () => {
  it('GET /health answers ok when the database answers', async () => {
    const db = await memoryDb(0);
    await request(appFor(db)).get('/health').expect(200, { status: 'ok' });
    await db.destroy();
  });

  it('GET /health answers 503 in the legacy shape when the database is gone', async () => {
    const db = await memoryDb(0);
    const app = appFor(db);
    await db.destroy();
    const res = await request(app).get('/health').expect(503);
    expect(res.body).toEqual({ ERR_CD: 'DB_DOWN', ERR_MSG: 'database is not answering' });
  });

  it('unknown paths are 404 in the legacy error shape', async () => {
    const db = await memoryDb(0);
    const app = appFor(db);
    const res = await request(app).get('/api/nothing-here').expect(404);
    expect(res.body).toEqual({ ERR_CD: 'NOT_FND', ERR_MSG: 'no such resource: GET /api/nothing-here' });
    await request(app).delete('/api/products/1').expect(404);
    await db.destroy();
  });

  it('a database failure inside a handler is a 500 SYS_ERR, logged, without internals in the body', async () => {
    const db = await memoryDb(0);
    await db.schema.dropTable('PRD_MSTR');
    const logged: string[] = [];
    const logger: Logger = { info: () => undefined, warn: () => undefined, error: (m: string) => logged.push(m) };
    const res = await request(createLegacyApp({ db, logger })).get('/api/products').expect(500);
    expect(res.body).toEqual({ ERR_CD: 'SYS_ERR', ERR_MSG: 'internal error' });
    expect(logged).toEqual(['unhandled error']);
    await db.destroy();
  });

  it('logs one line per request with the caller request id, method, path, status and duration', async () => {
    const db = await memoryDb(0);
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger: Logger = { info: (m: string, meta?: Record<string, unknown>) => lines.push([m, meta]), warn: () => undefined, error: () => undefined };
    const res = await request(createLegacyApp({ db, logger })).get('/health?x=1').set('x-request-id', 'req-42').expect(200);
    expect(res.headers['x-request-id']).toBe('req-42');
    expect(lines).toEqual([
      ['request', { requestId: 'req-42', traceId: expect.stringMatching(/^[0-9a-f]{32}$/), method: 'GET', path: '/health?x=1', status: 200, durationMs: expect.any(Number) }],
    ]);
    await db.destroy();
  });
});
