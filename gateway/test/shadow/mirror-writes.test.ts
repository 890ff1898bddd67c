import http from 'node:http';
import type { RunningGateway } from '../kit/gateway';
import { startUpstream, type SeenRequest, type TestUpstream, type UpstreamHandler } from '../kit/upstream';
import { json, send, shadowTable, startShadowGateway, mirrorFixture, type Mode, type OutcomeLog } from './kit';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * Issue 6: "Only GET and HEAD are mirrored unless the route opts writes in; a mirrored write
 * carries a marker header (x-strangler-shadow: 1)"; "request bodies above a size cap are not
 * mirrored" (counted); "client-sent x-strangler-* headers are stripped before anything is
 * mirrored"; writes are never mirrored to legacy (reverse shadow). The primary must get the
 * client's request exactly as without shadowing, body included.
 */

const fixture = mirrorFixture();
const { upstreams, gateways } = fixture;

const PRIMARY_TIMEOUT_MS = 2_000;
const answer: UpstreamHandler = (req, res, body) => json(res, { method: req.method, bodyLength: body.length });

interface Stack {
  readonly gw: RunningGateway;
  readonly outcomes: OutcomeLog;
  readonly legacy: TestUpstream;
  readonly fresh: TestUpstream;
}

async function stack(shadow: Record<string, unknown>, mode: Mode = 'shadow'): Promise<Stack> {
  const legacy = await startUpstream(answer);
  const fresh = await startUpstream(answer);
  upstreams.push(legacy, fresh);
  // A primary left waiting for a body answers 504 after PRIMARY_TIMEOUT_MS rather than the default 15 s.
  const { gw, outcomes } = await startShadowGateway(shadowTable(legacy.url, fresh.url, { mode, shadow: { noiseSample: 0, ...shadow }, upstreamSettings: { timeoutMs: PRIMARY_TIMEOUT_MS } }));
  gateways.push(gw);
  return { gw, outcomes, legacy, fresh };
}

const BODY = JSON.stringify({ sku: 'kettle-1', quantity: 2, note: 'ünïcode ✓' });
const post = (path = '/products/orders', body: string | Buffer = BODY, headers: http.OutgoingHttpHeaders = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
  body,
});

/**
 * Proves that nothing more will be mirrored: a GET goes through after the writes, its outcome is
 * awaited, and the mirror is empty (every copy admitted before has finished).
 */
async function settle(s: Stack, expectedOutcomes: number): Promise<void> {
  const r = await send(s.gw.url, '/products/sentinel');
  expect(r.status).toBe(200);
  await s.outcomes.atLeast(expectedOutcomes + 1);
  await eventually(() => fixture.watch.size() === 0);
}

const strangler = (s: SeenRequest) => {
  const out: string[] = [];
  for (let i = 0; i < s.rawHeaders.length; i += 2) if ((s.rawHeaders[i] as string).toLowerCase().startsWith('x-strangler-')) out.push(`${s.rawHeaders[i]}: ${s.rawHeaders[i + 1]}`);
  return out;
};
const writesAt = (u: TestUpstream) => u.seen.filter((s) => s.method !== 'GET' && s.method !== 'HEAD');

describe('writes not opted in', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s goes to legacy only, and the sentinel GET is the only copy', async (method) => {
    const s = await stack({});
    const r = await send(s.gw.url, '/products/7', { ...post('/products/7'), method });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ method, bodyLength: Buffer.byteLength(BODY) });
    await settle(s, 0);
    expect(writesAt(s.fresh)).toEqual([]);
    expect(s.fresh.seen.map((x) => x.url)).toEqual(['/products/sentinel']);
    expect(s.outcomes.all.map((o) => o.kind)).toEqual(['compared']);
    expect(fixture.watch.tickets()).toBe(1);
  });

  it('HEAD is mirrored like GET', async () => {
    const s = await stack({});
    await send(s.gw.url, '/products/7', { method: 'HEAD' });
    await s.outcomes.atLeast(1);
    expect(s.fresh.seen.map((x) => x.method)).toEqual(['HEAD']);
  });
});

describe('writes opted in (mirrorWrites: true)', () => {
  it('the copy is the same write, with the same body and the marker; the primary gets the client’s body whole and no marker', async () => {
    const s = await stack({ mirrorWrites: true });
    const r = await send(s.gw.url, '/products/orders?dry=no', post());
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ method: 'POST', bodyLength: Buffer.byteLength(BODY) });
    await s.outcomes.atLeast(1);

    const [primary] = writesAt(s.legacy);
    expect(primary?.body.toString()).toBe(BODY);
    expect(primary && strangler(primary)).toEqual([]);

    const [copy] = writesAt(s.fresh);
    expect(copy?.method).toBe('POST');
    expect(copy?.url).toBe('/products/orders?dry=no');
    expect(copy?.body.toString()).toBe(BODY);
    expect(copy?.headers['content-type']).toBe('application/json');
    expect(copy?.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(copy && strangler(copy)).toEqual(['x-strangler-shadow: 1']);
    expect(s.outcomes.all.map((o) => o.kind)).toEqual(['compared']);
  });

  it('a chunked write (no content-length) is mirrored with its body whole', async () => {
    const s = await stack({ mirrorWrites: true });
    const r = await send(s.gw.url, '/products/orders', { method: 'PUT', headers: { 'content-type': 'application/json' }, chunks: [BODY.slice(0, 10), BODY.slice(10)] });
    expect(r.status).toBe(200);
    await s.outcomes.atLeast(1);
    expect(writesAt(s.legacy)[0]?.body.toString()).toBe(BODY);
    const copy = writesAt(s.fresh)[0];
    expect(copy?.body.toString()).toBe(BODY);
    expect(copy?.headers['x-strangler-shadow']).toBe('1');
  });

  it('a body above maxBodyBytes (declared) is not mirrored: outcome body-too-large, and the primary still gets it whole', async () => {
    const big = JSON.stringify({ pad: 'y'.repeat(2_000) });
    const s = await stack({ mirrorWrites: true, maxBodyBytes: 1_000 });
    const r = await send(s.gw.url, '/products/orders', post('/products/orders', big));
    expect(r.status).toBe(200);
    await settle(s, 1);
    expect(s.outcomes.all.map((o) => o.kind)).toEqual(['body-too-large', 'compared']);
    expect(writesAt(s.fresh)).toEqual([]);
    expect(writesAt(s.legacy)[0]?.body.toString()).toBe(big);
  });

  it('a chunked body that grows beyond maxBodyBytes is not mirrored: outcome body-too-large, and the primary still gets it whole', async () => {
    const pieces = Array.from({ length: 8 }, (_, i) => `${i}`.repeat(500));
    const s = await stack({ mirrorWrites: true, maxBodyBytes: 1_000 });
    const r = await send(s.gw.url, '/products/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, chunks: pieces });
    expect(r.status).toBe(200);
    await settle(s, 1);
    expect(s.outcomes.all.map((o) => o.kind).sort()).toEqual(['body-too-large', 'compared']);
    expect(writesAt(s.fresh)).toEqual([]);
    expect(writesAt(s.legacy)[0]?.body.toString()).toBe(pieces.join(''));
  });

  it('a client that abandons its upload half-way gets no partial write mirrored to the new side', async () => {
    const s = await stack({ mirrorWrites: true });
    const { hostname, port } = new URL(s.gw.url);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: hostname, port, method: 'POST', path: '/products/orders', headers: { 'content-type': 'application/json', 'content-length': 1_000 }, agent: false });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(BODY);
      setTimeout(() => req.destroy(), 100);
    });
    await settle(s, 0);
    expect(writesAt(s.fresh)).toEqual([]);
  });
});

describe('client-sent x-strangler-* headers', () => {
  const forged = { 'x-strangler-shadow': '0', 'X-Strangler-Secret': 'letmein', 'x-strangler-target': 'new' };

  it('are stripped from the primary and from the copy of a GET; the copy carries exactly one marker', async () => {
    const s = await stack({});
    await send(s.gw.url, '/products/1', { headers: forged });
    await s.outcomes.atLeast(1);
    expect(s.legacy.seen.map(strangler)).toEqual([[]]);
    expect(s.fresh.seen.map(strangler)).toEqual([['x-strangler-shadow: 1']]);
  });

  it('are stripped from the primary and from the copy of a mirrored write', async () => {
    const s = await stack({ mirrorWrites: true });
    const r = await send(s.gw.url, '/products/orders', post('/products/orders', BODY, forged));
    expect(r.status).toBe(200);
    await s.outcomes.atLeast(1);
    expect(s.legacy.seen.map(strangler)).toEqual([[]]);
    expect(s.fresh.seen.map(strangler)).toEqual([['x-strangler-shadow: 1']]);
  });
});

describe('reverse shadow (mode new, reverse: true)', () => {
  it('mirrors GET to legacy, but never a write, even with mirrorWrites: true', async () => {
    const s = await stack({ reverse: true, mirrorWrites: true }, 'new');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await send(s.gw.url, '/products/7', { ...post('/products/7'), method });
      expect(r.status).toBe(200);
    }
    expect(writesAt(s.fresh).map((w) => [w.method, w.body.toString()])).toEqual(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [m, BODY]));
    await settle(s, 0);
    expect(writesAt(s.legacy)).toEqual([]);
    expect(s.legacy.seen.map((x) => `${x.method} ${x.url}`)).toEqual(['GET /products/sentinel']);
    expect(s.outcomes.all.map((o) => o.kind)).toEqual(['compared']);
  });
});
