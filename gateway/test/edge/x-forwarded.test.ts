import { send } from '../kit/http-client';
import { captureLogs, type LogCapture } from '../kit/log-capture';
import { startStack, type EdgeStack } from './edge-stack';
import { eventually } from '../../../platform/test-kit/eventually';

const spoofed = {
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  forwarded: 'for=6.6.6.6;proto=https',
};

describe('X-Forwarded-* from an untrusted peer', () => {
  let stack: EdgeStack;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = captureLogs();
    // 10.0.0.1 is trusted; the test client (127.0.0.1) is not.
    stack = await startStack({ logger: logs.logger, trustedProxies: ['10.0.0.1'] });
  });
  afterEach(() => stack.close());

  it('overwrites (never appends to) X-Forwarded-For/Proto/Host and drops Forwarded', async () => {
    await send(stack.port, '/x', { headers: { ...spoofed, host: 'shop.example:8080' } });
    const h = stack.legacy.seen[0]!.headers;
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('shop.example:8080');
    expect(h.forwarded).toBeUndefined();
  });

  it('overwrites a repeated X-Forwarded-For too', async () => {
    await send(stack.port, '/x', { headers: { 'x-forwarded-for': ['6.6.6.6', '7.7.7.7'] } });
    expect(stack.legacy.seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('sends the upstream its own host:port as Host, the original in X-Forwarded-Host', async () => {
    await send(stack.port, '/x', { headers: { host: 'shop.example' } });
    const h = stack.legacy.seen[0]!.headers;
    expect(h.host).toBe(`127.0.0.1:${stack.legacy.port}`);
    expect(h['x-forwarded-host']).toBe('shop.example');
  });

  it('logs the peer as the client, not the spoofed address', async () => {
    await send(stack.port, '/x', { headers: spoofed });
    await eventually(() => logs.entries().length > 0);
    expect(logs.entries()[0]).toMatchObject({ client: '127.0.0.1' });
  });
});

describe('X-Forwarded-* from a trusted proxy', () => {
  let stack: EdgeStack;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = captureLogs();
    stack = await startStack({ logger: logs.logger, trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });
  });
  afterEach(() => stack.close());

  it('appends the peer to X-Forwarded-For and keeps Proto and Host', async () => {
    await send(stack.port, '/x', {
      headers: { 'x-forwarded-for': '203.0.113.9, 10.1.2.3', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' },
    });
    const h = stack.legacy.seen[0]!.headers;
    expect(h['x-forwarded-for']).toBe('203.0.113.9, 10.1.2.3, 127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-host']).toBe('shop.example');
  });

  it('logs the client found by walking X-Forwarded-For right to left past trusted hops', async () => {
    // 198.51.100.1 was written by the client itself; 203.0.113.9 is the last untrusted hop.
    await send(stack.port, '/x', { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.9.9.9, 10.1.2.3' } });
    await eventually(() => logs.entries().length > 0);
    expect(logs.entries()[0]).toMatchObject({ client: '203.0.113.9' });
  });

  it('logs the peer when no X-Forwarded-For was sent', async () => {
    await send(stack.port, '/x');
    await eventually(() => logs.entries().length > 0);
    expect(logs.entries()[0]).toMatchObject({ client: '127.0.0.1' });
    expect(stack.legacy.seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});
