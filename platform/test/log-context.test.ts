import { PassThrough } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createJsonLogger, requestLog } from '../index';

/** Every line a service writes says which service wrote it and, inside a request, which request: one request reads as one story across processes. */

function lines(stream: PassThrough): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) out.push(JSON.parse(p) as Record<string, unknown>);
  });
  return out;
}

async function until(out: readonly unknown[], count: number): Promise<void> {
  while (out.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('service and request id on every line', () => {
  it('a line outside any request names the service and has no request id', async () => {
    const stream = new PassThrough();
    const out = lines(stream);
    createJsonLogger({ stream, service: 'catalog' }).info('catalog listening', { url: 'http://127.0.0.1:4001' });
    await until(out, 1);
    expect(out[0]).toEqual({ message: 'catalog listening', service: 'catalog', url: 'http://127.0.0.1:4001', level: 'info', timestamp: expect.any(String) });
  });

  it("a line written while serving a request, even after an await, carries that request's id", async () => {
    const stream = new PassThrough();
    const out = lines(stream);
    const logger = createJsonLogger({ stream, service: 'orders' });
    const app = express();
    app.use(requestLog(logger));
    app.get('/work', async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.warn('dependency failure', { code: 'catalog-unavailable' });
      res.json({});
    });
    await request(app).get('/work').set('x-request-id', 'story-1').expect(200);
    await request(app).get('/work').set('x-request-id', 'story-2').expect(200);
    await until(out, 4);
    expect(out.filter((l) => l.message === 'dependency failure').map((l) => [l.service, l.requestId])).toEqual([
      ['orders', 'story-1'],
      ['orders', 'story-2'],
    ]);
    expect(out.filter((l) => l.message === 'request').map((l) => [l.service, l.requestId])).toEqual([
      ['orders', 'story-1'],
      ['orders', 'story-2'],
    ]);
  });
});
