import { send } from '../kit/http-client';
import { startStack, type EdgeStack } from './edge-stack';

/** `x-strangler-*` is the gateway's own namespace: a client must not be able to steer it or the upstream. */
describe('client-sent x-strangler-* headers', () => {
  let stack: EdgeStack;
  beforeEach(async () => {
    stack = await startStack({
      legacyHandler: (_req, res) => {
        res.setHeader('x-strangler-internal', 'leak');
        res.end('ok');
      },
    });
  });
  afterEach(() => stack.close());

  it('are stripped before the upstream, whatever their case', async () => {
    await send(stack.port, '/x', {
      headers: { 'x-strangler-mode': 'new', 'X-Strangler-Route': 'products', 'X-STRANGLER-SHADOW': '1', 'x-stranglerish': 'kept' },
    });
    const seen = stack.legacy.seen[0]!;
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n.startsWith('x-strangler-'))).toEqual([]);
    expect(seen.headers['x-stranglerish']).toBe('kept');
  });

  it('do not change which upstream answers', async () => {
    await send(stack.port, '/x', { headers: { 'x-strangler-mode': 'new', 'x-strangler-upstream': 'fresh' } });
    expect(stack.legacy.seen).toHaveLength(1);
    expect(stack.fresh.seen).toHaveLength(0);
  });

  it('are stripped from the upstream response too', async () => {
    const res = await send(stack.port, '/x');
    expect(res.headers['x-strangler-internal']).toBeUndefined();
  });
});
