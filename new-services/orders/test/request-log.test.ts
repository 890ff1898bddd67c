import request from 'supertest';
import { ordersFixture } from './kit/orders';

describe('request log', () => {
  it('writes one line per request with request id, method, path, status and duration', async () => {
    const lines: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const logger = {
      info: (message: string, meta?: Record<string, unknown>) => lines.push({ message, meta }),
      warn: (message: string, meta?: Record<string, unknown>) => lines.push({ message, meta }),
      error: (message: string, meta?: Record<string, unknown>) => lines.push({ message, meta }),
    };
    const f = await ordersFixture({ logger });
    const res = await request(f.app).get('/orders/12').set('x-request-id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    await request(f.app).get('/health');
    await f.close();
    const requests = lines.filter((l) => l.message === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]?.meta).toEqual({ requestId: 'abc-123', traceId: expect.stringMatching(/^[0-9a-f]{32}$/), method: 'GET', path: '/orders/12', status: 404, durationMs: expect.any(Number) });
    expect(requests[1]?.meta?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
