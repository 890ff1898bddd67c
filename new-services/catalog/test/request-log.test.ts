import request from 'supertest';
import { openDatabase, type Logger } from '../../../platform';
import { createCatalogApp, migrateCatalog } from '../src/index';

describe('request log', () => {
  it('writes one structured line per request with the caller request id', async () => {
    const db = openDatabase('sqlite::memory:');
    await migrateCatalog(db);
    const lines: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const logger: Logger = {
      info: (message, meta) => lines.push({ message, meta }),
      warn: (message, meta) => lines.push({ message, meta }),
      error: (message, meta) => lines.push({ message, meta }),
    };
    const app = createCatalogApp({ db, logger });
    try {
      const res = await request(app).get('/products/77?x=1').set('x-request-id', 'req-123').expect(404);
      expect(res.headers['x-request-id']).toBe('req-123');
      expect(res.body.requestId).toBe('req-123');
      await request(app).put('/products/1').set('x-strangler-shadow', '1').send({}).expect(400);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toEqual({
        message: 'request',
        meta: { requestId: 'req-123', traceId: expect.stringMatching(/^[0-9a-f]{32}$/), method: 'GET', path: '/products/77?x=1', status: 404, durationMs: expect.any(Number) },
      });
      expect(lines[1]?.meta).toMatchObject({ method: 'PUT', status: 400, shadow: true, requestId: expect.any(String) });
    } finally {
      await db.destroy();
    }
  });
});
