import { send } from '../kit/http-client';
import { startStack, type EdgeStack } from './edge-stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('x-request-id', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({
      legacyHandler: (_req, res) => {
        // An upstream's own id must not replace the gateway's.
        res.setHeader('x-request-id', 'upstream-made-this-up');
        res.end('ok');
      },
    });
  });
  afterEach(() => stack.close());

  it('is generated as a UUID when absent, echoed and forwarded', async () => {
    const res = await send(stack.port, '/x');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(stack.legacy.seen[0]!.headers['x-request-id']).toBe(id);
  });

  it('is a different UUID for each request', async () => {
    const a = await send(stack.port, '/x');
    const b = await send(stack.port, '/x');
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('is kept when well-formed', async () => {
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': 'trace-abc.123:4_5' } });
    expect(res.headers['x-request-id']).toBe('trace-abc.123:4_5');
    expect(stack.legacy.seen[0]!.headers['x-request-id']).toBe('trace-abc.123:4_5');
  });

  it.each([
    ['spaces', 'has spaces in it'],
    ['markup', '<script>alert(1)</script>'],
    ['CRLF-looking text', 'abc%0d%0aset-cookie:x'],
    ['too long', 'a'.repeat(129)],
    ['empty', ''],
  ])('is replaced when malformed (%s)', async (_name, given) => {
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': given } });
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(stack.legacy.seen[0]!.headers['x-request-id']).toBe(id);
  });

  it('is replaced when sent twice', async () => {
    const res = await send(stack.port, '/x', { headers: { 'x-request-id': ['one', 'two'] } });
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(stack.legacy.seen[0]!.rawHeaders.filter((h) => h.toLowerCase() === 'x-request-id')).toHaveLength(1);
  });

  it('is on the gateway\'s own problem answers too', async () => {
    const res = await send(stack.port, '/a%2Fb', { headers: { 'x-request-id': 'trace-400' } });
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toBe('trace-400');
    expect(res.json().requestId).toBe('trace-400');
  });
});
