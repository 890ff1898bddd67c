import { rawRequest } from '../kit/raw';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { startStack, type EdgeStack } from './edge-stack';

/** `GET http://elsewhere/x` must not turn the gateway into an open forward proxy. */
describe('absolute-form request targets', () => {
  let stack: EdgeStack;
  let elsewhere: TestUpstream;
  beforeEach(async () => {
    stack = await startStack();
    elsewhere = await startUpstream();
  });
  afterEach(async () => {
    await stack.close();
    await elsewhere.close();
  });

  const send = (target: string, host = 'gw') =>
    rawRequest(stack.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

  it('is routed by its path only; nothing is sent to the named authority', async () => {
    const res = await send(`http://127.0.0.1:${elsewhere.port}/api/products/1?q=1`, `127.0.0.1:${elsewhere.port}`);
    expect(res.status).toBe(200);
    expect(elsewhere.connections()).toBe(0);
    expect(stack.legacy.seen).toHaveLength(0);
    expect(stack.fresh.seen.map((s) => s.url)).toEqual(['/api/products/1?q=1']);
    expect(stack.fresh.seen[0]!.headers.host).toBe(`127.0.0.1:${stack.fresh.port}`);
  });

  it('goes to the catch-all when its path matches nothing else', async () => {
    await send(`http://127.0.0.1:${elsewhere.port}/admin`);
    expect(elsewhere.connections()).toBe(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/admin']);
  });

  it('normalises the path of an absolute-form target like any other', async () => {
    await send(`http://127.0.0.1:${elsewhere.port}/api/products/../../admin`);
    await send('HTTPS://elsewhere.example//api//products/2');
    expect(elsewhere.connections()).toBe(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/admin']);
    expect(stack.fresh.seen.map((s) => s.url)).toEqual(['/api/products/2']);
  });

  it('an authority with no path means /', async () => {
    await send(`http://127.0.0.1:${elsewhere.port}`);
    expect(elsewhere.connections()).toBe(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/']);
  });

  it('does not let a userinfo-looking authority pick the upstream', async () => {
    await send(`http://127.0.0.1:${stack.fresh.port}@127.0.0.1:${elsewhere.port}/x`);
    expect(elsewhere.connections()).toBe(0);
    expect(stack.fresh.seen).toHaveLength(0);
    expect(stack.legacy.seen.map((s) => s.url)).toEqual(['/x']);
  });
});
