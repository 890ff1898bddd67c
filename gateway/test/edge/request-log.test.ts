import { send } from '../kit/http-client';
import { captureLogs, type LogCapture } from '../kit/log-capture';
import { startStack, type EdgeStack } from './edge-stack';
import { eventually } from '../../../platform/test-kit/eventually';

/** One structured line per request, whatever the outcome, carrying what an operator searches by. */
describe('request log', () => {
  let stack: EdgeStack;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = captureLogs();
    stack = await startStack({ logger: logs.logger });
  });
  afterEach(() => stack.close());

  const requestLines = () => logs.entries().filter((e) => e.message === 'request');

  it('a forwarded request logs requestId, route, upstream, status and durationMs', async () => {
    const res = await send(stack.port, '/api/products/1', { headers: { 'x-request-id': 'log-1' } });
    expect(res.status).toBe(200);
    await eventually(() => requestLines().length === 1);
    const line = requestLines()[0]!;
    expect(line).toMatchObject({ requestId: 'log-1', route: 'products', upstream: 'fresh', mode: 'new', status: 200, method: 'GET' });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
  });

  it('exactly one line per request', async () => {
    const ids: string[] = [];
    for (const path of ['/a', '/api/products/2', '/b%2Fc']) ids.push(String((await send(stack.port, path)).headers['x-request-id']));
    const logged = (id: string) => requestLines().some((l) => l.requestId === id);
    await eventually(() => ids.every(logged));
    // A second line for any of them would be written no later than the line of a request sent after
    // them all: once the marker's line is in, the log holds everything it will ever hold for them.
    await send(stack.port, '/marker', { headers: { 'x-request-id': 'log-marker' } });
    await eventually(() => logged('log-marker'));
    expect(requestLines().map((l) => String(l.requestId)).sort()).toEqual([...ids, 'log-marker'].sort());
  });

  it('the logged requestId is the one echoed to the client', async () => {
    const res = await send(stack.port, '/x');
    await eventually(() => requestLines().length === 1);
    expect(requestLines()[0]!.requestId).toBe(res.headers['x-request-id']);
    expect(requestLines()[0]).toMatchObject({ route: 'catch-all', upstream: 'legacy', status: 200 });
  });

  it('a refused request is logged with its status', async () => {
    await send(stack.port, '/a%2Fb', { headers: { 'x-request-id': 'log-400' } });
    await eventually(() => requestLines().length === 1);
    expect(requestLines()[0]).toMatchObject({ requestId: 'log-400', status: 400 });
    expect(typeof requestLines()[0]!.durationMs).toBe('number');
  });
});
