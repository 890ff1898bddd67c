import { rawRequest } from '../kit/raw';
import { startStack, type EdgeStack } from './edge-stack';

describe('two Host headers (request smuggling / cache poisoning shape)', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  it('answers 400 problem+json, closes the connection and forwards nothing', async () => {
    const res = await rawRequest(stack.port, 'GET /x HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ type: 'urn:strangler:problem:duplicate-host', status: 400 });
    expect(res.closed).toBe(true);
    expect(stack.legacy.connections()).toBe(0);
    expect(stack.fresh.connections()).toBe(0);
  });

  it('counts Host headers whatever their case', async () => {
    const res = await rawRequest(stack.port, 'GET /x HTTP/1.1\r\nhost: a.example\r\nHOST: a.example\r\n\r\n');
    expect(res.status).toBe(400);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('refuses a request with no Host at all', async () => {
    const res = await rawRequest(stack.port, 'GET /x HTTP/1.1\r\n\r\n');
    expect(res.status).toBe(400);
    expect(stack.legacy.connections()).toBe(0);
  });

  it('forwards a request with exactly one Host', async () => {
    const res = await rawRequest(stack.port, 'GET /x HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    expect(stack.legacy.seen).toHaveLength(1);
  });
});
