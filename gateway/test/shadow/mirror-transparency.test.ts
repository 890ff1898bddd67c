import type http from 'node:http';
import type { RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';
import { closedPort, send, shadowTable, startShadowGateway, Timers, visible, type Mode, type OutcomeLog, type RawAnswer, type RequestOptions } from './kit';

/**
 * Issue 6, mirror: "the primary answers the client exactly as without shadowing: status, headers,
 * body". The same requests go to a gateway with the route in mode shadow and to one with the same
 * route in mode legacy (same legacy upstream); the client's answers must be byte-identical (all
 * but `date` and `x-request-id`), whatever the new side does: answer well, be down, be slower than
 * shadow.timeoutMs, answer garbage or a body beyond maxResponseBytes, or reset the connection. Each
 * time the outcome handed to the shadow sink says what happened.
 */

/**
 * The shadow timeout of the scenarios about a slow side. Those sides never answer while the test
 * runs, so the outcome cannot depend on how loaded the machine is.
 */
const SHORT_TIMEOUT_MS = 100;
/**
 * The shadow timeout of every other scenario: far beyond what any copy takes on a loaded machine,
 * so that an error (a reset, a refused connection) is always reported as itself, never as a timeout.
 */
const PATIENT_TIMEOUT_MS = 60_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const BIG_CHUNK = Buffer.alloc(64 * 1024, 'x');
const BIG_CHUNKS = 48; // 3 MB, well beyond MAX_RESPONSE_BYTES

/** The reference answers (legacy, and a healthy new side): odd headers, a status message, a streamed big body. */
const reference: UpstreamHandler = (req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/products/missing')) {
    res.writeHead(404, 'Nowhere', ['Content-Type', 'application/problem+json', 'X-Why', 'gone']);
    res.end('{"title":"not found"}');
    return;
  }
  if (url.startsWith('/products/text')) {
    res.writeHead(200, ['content-type', 'text/plain; charset=utf-8']);
    res.end('plain words\n');
    return;
  }
  if (url.startsWith('/products/big')) {
    res.writeHead(200, ['Content-Type', 'application/json']);
    res.write('{"pad":"');
    for (let i = 0; i < BIG_CHUNKS; i++) res.write(BIG_CHUNK);
    res.end('"}');
    return;
  }
  const body = JSON.stringify({ id: url, name: 'Kettle', price: { amount: 10, currency: 'EUR' }, tags: ['a', 'b'] });
  res.writeHead(200, 'Fine Thanks', [
    'Content-Type',
    'application/json; charset=utf-8',
    'ETag',
    '"v1"',
    'Set-Cookie',
    'a=1; Path=/',
    'Set-Cookie',
    'b=2; Path=/',
    'X-Custom',
    'one',
    'X-Custom',
    'two',
    'Cache-Control',
    'max-age=60',
    'Content-Length',
    String(Buffer.byteLength(body)),
  ]);
  res.end(req.method === 'HEAD' ? undefined : body);
};

/** What every scenario asks, in order (all mirrored: GET and HEAD). */
const REQUESTS: readonly { readonly path: string; readonly options?: RequestOptions }[] = [
  { path: '/products/1' },
  { path: '/products/2?q=a%20b&x=1', options: { headers: { accept: 'application/json', 'x-strangler-shadow': '0' } } },
  { path: '/products/1', options: { method: 'HEAD' } },
  { path: '/products/missing' },
  { path: '/products/text' },
  { path: '/products/big' },
];

const timers = new Timers();
const upstreams: TestUpstream[] = [];
const gateways: RunningGateway[] = [];

async function upstream(handler: UpstreamHandler): Promise<TestUpstream> {
  const u = await startUpstream(handler);
  upstreams.push(u);
  return u;
}

async function gatewayOn(legacyUrl: string, freshUrl: string, mode: Mode, shadow: Record<string, unknown> = {}): Promise<{ gw: RunningGateway; outcomes: OutcomeLog }> {
  const started = await startShadowGateway(shadowTable(legacyUrl, freshUrl, { mode, shadow: { timeoutMs: PATIENT_TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES, noiseSample: 1, ...shadow } }));
  gateways.push(started.gw);
  return started;
}

async function askAll(gw: RunningGateway): Promise<RawAnswer[]> {
  const out: RawAnswer[] = [];
  for (const r of REQUESTS) out.push(await send(gw.url, r.path, r.options));
  return out;
}

afterAll(async () => {
  timers.clear();
  for (const res of unanswered.splice(0)) res.end();
  for (const g of gateways) await g.close();
  for (const u of upstreams) await u.close();
});

/** Answers the side holds until the test ends: far slower than shadow.timeoutMs, whatever the machine. */
const unanswered: http.ServerResponse[] = [];

/** A side that never answers while the test runs. */
const neverAnswers: UpstreamHandler = (_req, res) => void unanswered.push(res);

const notJson: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<html>an error page, not JSON</html>');
};
const invalidJson: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"id": 1, "price": {');
};
const huge: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"pad":"');
  for (let i = 0; i < 32; i++) res.write(BIG_CHUNK); // 2 MB
  res.end('"}');
};
const resetAtOnce: UpstreamHandler = (req) => req.socket.destroy();
const resetMidBody: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"id": 1, "na');
  timers.after(20, () => res.socket?.destroy());
};

describe('mode shadow: the client gets what mode legacy gives it, byte for byte', () => {
  let legacy: TestUpstream;
  let baseline: RawAnswer[];

  beforeAll(async () => {
    legacy = await upstream(reference);
    const plain = await gatewayOn(legacy.url, legacy.url, 'legacy');
    baseline = await askAll(plain.gw);
    // The baseline itself: mode legacy never mirrors anything.
    expect(plain.outcomes.all).toEqual([]);
    expect(baseline.map((a) => a.status)).toEqual([200, 200, 200, 404, 200, 200]);
    expect(baseline[5]?.body.length).toBe(BIG_CHUNKS * BIG_CHUNK.length + '{"pad":""}'.length);
  });

  async function shadowRun(freshUrl: string, shadow: Record<string, unknown> = {}): Promise<{ answers: RawAnswer[]; outcomes: OutcomeLog }> {
    const { gw, outcomes } = await gatewayOn(legacy.url, freshUrl, 'shadow', shadow);
    const answers = await askAll(gw);
    expect(answers.map(visible)).toEqual(baseline.map(visible));
    await outcomes.atLeast(REQUESTS.length);
    return { answers, outcomes };
  }

  it('new side healthy: identical answers, every request compared, and the big legacy answer recorded as truncated', async () => {
    const fresh = await upstream(reference);
    const { outcomes } = await shadowRun(fresh.url);
    const compared = outcomes.compared();
    expect(compared).toHaveLength(REQUESTS.length);
    for (const o of compared.filter((c) => c.request.path !== '/products/big')) expect(o.differences).toEqual([]);
    const big = compared.find((c) => c.request.path === '/products/big');
    expect(big?.legacy.truncated).toBe(true);
    expect(big?.fresh.truncated).toBe(true);
    // Every mirrored copy reached the new side, with the query, and marked.
    expect(fresh.seen.map((s) => s.url).sort()).toEqual(REQUESTS.map((r) => r.path).sort());
    for (const s of fresh.seen) expect(s.headers['x-strangler-shadow']).toBe('1');
  });

  it('new side down (closed port): identical answers, outcomes new-error', async () => {
    const { outcomes } = await shadowRun(`http://127.0.0.1:${await closedPort()}`);
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'new-error'));
    const first = outcomes.of('new-error')[0];
    expect(first?.detail).toBe('ECONNREFUSED');
  });

  it(`new side slower than shadow.timeoutMs: identical answers, none waited for the new side, outcomes new-timeout`, async () => {
    const fresh = await upstream(neverAnswers);
    // The client has every answer, and every copy has its outcome, while the new side has answered
    // nothing: neither the client nor the shadow call waited for it.
    const { outcomes } = await shadowRun(fresh.url, { timeoutMs: SHORT_TIMEOUT_MS });
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'new-timeout'));
  });

  it('new side answers HTML instead of JSON: identical answers, compared with the text as the new body', async () => {
    const fresh = await upstream(notJson);
    const { outcomes } = await shadowRun(fresh.url);
    const one = outcomes.compared().find((o) => o.request.path === '/products/1' && o.legacy.body !== null);
    expect(one?.fresh.body).toBe('<html>an error page, not JSON</html>');
    expect(one?.differences).toEqual(expect.arrayContaining([{ path: 'body', kind: 'type' }, { path: 'header:content-type', kind: 'changed' }]));
  });

  it('new side answers invalid JSON: identical answers, compared with the raw text, never a compare error', async () => {
    const fresh = await upstream(invalidJson);
    const { outcomes } = await shadowRun(fresh.url);
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'compared'));
    const one = outcomes.compared().find((o) => o.request.path === '/products/1' && o.legacy.body !== null);
    expect(one?.fresh.body).toBe('{"id": 1, "price": {');
    expect(one?.differences).toContainEqual({ path: 'body', kind: 'type' });
  });

  it('new side answers beyond maxResponseBytes: identical answers, compared and recorded as truncated', async () => {
    const fresh = await upstream(huge);
    const { outcomes } = await shadowRun(fresh.url);
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'compared'));
    // HEAD answers have no body to truncate.
    for (const o of outcomes.compared().filter((c) => c.request.method === 'GET')) {
      expect(o.fresh.truncated).toBe(true);
      // A truncated body is not compared (it would differ by construction).
      expect(o.differences.filter((d) => d.path !== 'http:status' && !d.path.startsWith('header:'))).toEqual([]);
    }
  });

  it('new side resets the connection before answering: identical answers, outcomes new-error', async () => {
    const fresh = await upstream(resetAtOnce);
    const { outcomes } = await shadowRun(fresh.url);
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'new-error'));
  });

  it('new side resets in the middle of its body: identical answers, outcomes new-error', async () => {
    const fresh = await upstream(resetMidBody);
    const { outcomes } = await shadowRun(fresh.url);
    // Every GET's copy was cut short (the HEAD's too: the upstream never sent its head). A copy
    // pipelined behind one whose connection was reset is sent again on a new connection, where the
    // same happens.
    expect(outcomes.all.map((o) => o.kind)).toEqual(REQUESTS.map(() => 'new-error'));
    const cut = outcomes.of('new-error').filter((o) => o.detail === 'answer cut short');
    expect(cut.length).toBeGreaterThanOrEqual(REQUESTS.filter((r) => r.options?.method !== 'HEAD').length);
  });

  it('a request forced to legacy by a client outside forceTargetFrom is still answered identically', async () => {
    const fresh = await upstream(reference);
    const { gw, outcomes } = await gatewayOn(legacy.url, fresh.url, 'shadow');
    const a = await send(gw.url, '/products/1', { headers: { 'x-strangler-target': 'legacy' } });
    expect(visible(a)).toEqual(visible(baseline[0] as RawAnswer));
    await outcomes.atLeast(1);
    expect(legacy.seen.at(-1)?.headers['x-strangler-target']).toBeUndefined();
  });
});

describe('mode new with a reverse shadow: the client gets what mode new gives it', () => {
  let fresh: TestUpstream;
  let baseline: RawAnswer[];

  beforeAll(async () => {
    fresh = await upstream(reference);
    const plain = await gatewayOn(`http://127.0.0.1:${await closedPort()}`, fresh.url, 'new', { reverse: false });
    baseline = await askAll(plain.gw);
    expect(plain.outcomes.all).toEqual([]);
  });

  async function reverseRun(legacyUrl: string, shadow: Record<string, unknown> = {}): Promise<{ answers: RawAnswer[]; outcomes: OutcomeLog }> {
    const { gw, outcomes } = await gatewayOn(legacyUrl, fresh.url, 'new', { reverse: true, ...shadow });
    const answers = await askAll(gw);
    expect(answers.map(visible)).toEqual(baseline.map(visible));
    await outcomes.atLeast(REQUESTS.length);
    return { answers, outcomes };
  }

  it('legacy healthy: compared, no differences', async () => {
    const legacy = await upstream(reference);
    const { outcomes } = await reverseRun(legacy.url);
    const compared = outcomes.compared();
    expect(compared).toHaveLength(REQUESTS.length);
    for (const o of compared.filter((c) => c.request.path !== '/products/big')) expect(o.differences).toEqual([]);
  });

  it('legacy down: identical answers, the failed mirror is recorded as legacy’s failure, not the new side’s', async () => {
    const { outcomes } = await reverseRun(`http://127.0.0.1:${await closedPort()}`);
    expect(outcomes.all.every((o) => o.kind === 'legacy-error')).toBe(true);
  });

  it('legacy slower than shadow.timeoutMs: identical answers without waiting for it', async () => {
    const legacy = await upstream(neverAnswers);
    // Every answer and every outcome while legacy has answered nothing.
    const { outcomes } = await reverseRun(legacy.url, { timeoutMs: SHORT_TIMEOUT_MS });
    expect(outcomes.all.every((o) => o.kind === 'legacy-timeout')).toBe(true);
  });
});
