import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startGateway, tableFor, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';

/**
 * fallbackToLegacy (issue 5): in modes new and canary, a GET, HEAD or OPTIONS that new fails
 * (cannot connect, times out, answers 5xx) is answered by legacy. Writes never fall back: they
 * may have had an effect. A route without the flag never falls back.
 */

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request on a fresh connection; fails the test instead of hanging when no answer comes. */
function request(port: number, path: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string; timeoutMs?: number } = {}): Promise<Answer> {
  // Node sends a GET or DELETE body with neither Content-Length nor chunked framing unless told the length.
  const headers = options.body === undefined ? options.headers : { ...options.headers, 'content-length': Buffer.byteLength(options.body) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(options.timeoutMs ?? 8_000, () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${path} in time`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A port that was just free: nothing listens there, so connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const answersWith =
  (status: number, text: string): UpstreamHandler =>
  (_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', 'text/plain');
    res.end(text);
  };

/** Routes under test; the catch-all (added by tableFor) goes to `monolith`, so `legacy.seen` only counts fallbacks and legacy answers for these routes. */
function routes(mode: 'new' | 'canary', extra: Record<string, unknown> = {}) {
  const canary = mode === 'canary' ? { canary: { percent: 50, stickyBy: 'header', key: 'x-user' } } : {};
  return [
    { id: 'products', path: '/api/products/*', mode, ...canary, legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' }, fallbackToLegacy: true, ...extra },
    { id: 'orders', path: '/api/orders/*', mode, ...canary, legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' } },
  ];
}

interface Stack {
  monolith: TestUpstream;
  legacy: TestUpstream;
  fresh: TestUpstream | null;
  gw: RunningGateway;
  close(): Promise<void>;
}

async function startStack(fresh: 'dead' | UpstreamHandler, mode: 'new' | 'canary' = 'new', freshSettings: Record<string, unknown> = {}): Promise<Stack> {
  const monolith = await startUpstream(answersWith(200, 'monolith'));
  const legacy = await startUpstream(answersWith(200, 'legacy'));
  const freshUpstream = fresh === 'dead' ? null : await startUpstream(fresh);
  const freshUrl = freshUpstream ? freshUpstream.url : await closedPortUrl();
  const table = tableFor({ monolith: monolith.url, legacy: legacy.url, fresh: freshUrl }, routes(mode), {
    upstreams: {
      monolith: { url: monolith.url },
      legacy: { url: legacy.url, timeoutMs: 3_000 },
      // These tests count every request reaching new: its circuit must not open (the breaker has tests of its own).
      fresh: { url: freshUrl, breaker: { enabled: false }, ...freshSettings },
    },
  });
  const gw = await startGateway(table);
  return {
    monolith,
    legacy,
    fresh: freshUpstream,
    gw,
    async close() {
      await gw.close();
      await Promise.all([monolith.close(), legacy.close(), freshUpstream?.close()]);
    },
  };
}

function expectProblem(a: Answer, status: number): void {
  expect(a.status).toBe(status);
  expect(a.headers['content-type']).toBe('application/problem+json');
  const problem = JSON.parse(a.body) as Record<string, unknown>;
  expect(problem['status']).toBe(status);
}

describe('fallback to legacy when new is dead (connection refused)', () => {
  let s: Stack;
  beforeEach(async () => {
    s = await startStack('dead');
  });
  afterEach(() => s.close());

  it('GET is answered by legacy, at the same path and query, with the x-strangler-* headers still stripped', async () => {
    const a = await request(s.gw.port, '/api/products/7?full=1', { headers: { 'x-request-id': 'fb-1', 'x-strangler-target': 'new' } });
    expect(a.status).toBe(200);
    expect(a.body).toBe('legacy');
    expect(a.headers['x-request-id']).toBe('fb-1');
    expect(s.legacy.seen).toHaveLength(1);
    expect(s.legacy.seen[0]?.url).toBe('/api/products/7?full=1');
    expect(Object.keys(s.legacy.seen[0]?.headers ?? {}).filter((h) => h.startsWith('x-strangler-'))).toEqual([]);
    expect(s.monolith.seen).toHaveLength(0);
  });

  it('HEAD and OPTIONS are answered by legacy too', async () => {
    expect((await request(s.gw.port, '/api/products/7', { method: 'HEAD' })).status).toBe(200);
    const options = await request(s.gw.port, '/api/products/7', { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.body).toBe('legacy');
    expect(s.legacy.seen.map((r) => r.method)).toEqual(['HEAD', 'OPTIONS']);
  });

  it.each([['POST'], ['PUT'], ['PATCH'], ['DELETE']])('%s never falls back: the 502 problem, legacy never called', async (method) => {
    const a = await request(s.gw.port, '/api/products/7', { method, headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expectProblem(a, 502);
    expect(s.legacy.seen).toHaveLength(0);
  });

  it('a route without fallbackToLegacy does not fall back: GET gets the 502 problem', async () => {
    const a = await request(s.gw.port, '/api/orders/7');
    expectProblem(a, 502);
    expect(s.legacy.seen).toHaveLength(0);
  });

  it('many GETs in a row all fall back (the gateway stays up)', async () => {
    for (let i = 0; i < 20; i++) expect((await request(s.gw.port, `/api/products/${i}`)).body).toBe('legacy');
    expect(s.legacy.seen).toHaveLength(20);
  });
});

describe('fallback to legacy when new answers 500', () => {
  let s: Stack;
  beforeEach(async () => {
    s = await startStack(answersWith(500, 'new is broken'));
  });
  afterEach(() => s.close());

  it('GET is answered by legacy after new was tried once', async () => {
    const a = await request(s.gw.port, '/api/products/7');
    expect(a.status).toBe(200);
    expect(a.body).toBe('legacy');
    expect(s.fresh?.seen).toHaveLength(1);
    expect(s.legacy.seen).toHaveLength(1);
  });

  it.each([[502], [503], [504]])('GET after new answers %p is answered by legacy', async (status) => {
    await s.close();
    s = await startStack(answersWith(status, 'new failed'));
    expect((await request(s.gw.port, '/api/products/7')).body).toBe('legacy');
  });

  it('a 4xx from new is new\'s answer, not a reason to fall back', async () => {
    await s.close();
    s = await startStack(answersWith(404, 'no such product'));
    const a = await request(s.gw.port, '/api/products/7');
    expect(a.status).toBe(404);
    expect(a.body).toBe('no such product');
    expect(s.legacy.seen).toHaveLength(0);
  });

  it('POST never falls back: the client gets new\'s failure, legacy is never called', async () => {
    const a = await request(s.gw.port, '/api/products/7', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(a.status).toBeGreaterThanOrEqual(500);
    expect(a.body).not.toBe('legacy');
    expect(s.fresh?.seen).toHaveLength(1);
    expect(s.legacy.seen).toHaveLength(0);
  });

  it('a route without fallbackToLegacy does not fall back: GET gets new\'s 500', async () => {
    const a = await request(s.gw.port, '/api/orders/7');
    expect(a.status).toBe(500);
    expect(a.body).toBe('new is broken');
    expect(s.legacy.seen).toHaveLength(0);
  });
});

/**
 * A GET may carry a body (a search, say). Forwarding streams it to new; if new then fails, the
 * body has been consumed, so the fallback must either re-send it whole or not fall back at all.
 * The legacy upstream's timeoutMs is 3 s here (15 s by default, past the client's 6 s): its 504 is
 * the gateway waiting on a request it never finished sending.
 */
describe('a GET with a body on a fallback route when new fails', () => {
  it.each([
    ['new is dead', 'dead' as const],
    ['new answers 500', answersWith(500, 'new is broken')],
  ])('%s: answered by legacy with the whole body or by new\'s failure, never a legacy timeout', async (_what, fresh) => {
    const s = await startStack(fresh);
    try {
      // A body forwarded short would leave legacy waiting for the rest until its 3 s timeout: the
      // answer would then be the gateway's 504, which neither branch below accepts.
      const a = await request(s.gw.port, '/api/products/7', { headers: { 'content-type': 'text/plain' }, body: 'search terms', timeoutMs: 6_000 });
      if (a.status === 200) {
        expect(a.body).toBe('legacy');
        expect(s.legacy.seen[0]?.body.toString('utf8')).toBe('search terms');
      } else {
        // new's own failure (500) or the 502 problem, not a 504 from legacy waiting for a body that never comes.
        expect([500, 502]).toContain(a.status);
      }
    } finally {
      await s.close();
    }
  }, 15_000);
});

describe('fallback to legacy when new does not answer in time', () => {
  it('GET is answered by legacy after the response timeout', async () => {
    const s = await startStack(() => undefined /* never answers */, 'new', { timeoutMs: 200 });
    try {
      const a = await request(s.gw.port, '/api/products/7');
      expect(a.status).toBe(200);
      expect(a.body).toBe('legacy');
    } finally {
      await s.close();
    }
  });
});

describe('fallback in mode canary', () => {
  let s: Stack;
  beforeEach(async () => {
    s = await startStack('dead', 'canary');
  });
  afterEach(() => s.close());

  it('every GET is answered: the keys on new fall back to legacy, the others were on legacy already', async () => {
    for (let u = 0; u < 30; u++) {
      const a = await request(s.gw.port, '/api/products/1', { headers: { 'x-user': `user-${u}` } });
      expect(a.status).toBe(200);
      expect(a.body).toBe('legacy');
    }
    expect(s.legacy.seen).toHaveLength(30);
  });

  it('POSTs of the keys on new get the 502 problem and never reach legacy', async () => {
    let refused = 0;
    for (let u = 0; u < 30; u++) {
      const a = await request(s.gw.port, '/api/products/1', { method: 'POST', headers: { 'x-user': `user-${u}` }, body: 'x' });
      if (a.status === 502) refused++;
      else expect(a.body).toBe('legacy');
    }
    // At 50%, 30 keys all landing on one side has probability 2^-29.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(30);
    expect(s.legacy.seen).toHaveLength(30 - refused);
  });

  it('a canary route without fallbackToLegacy: the keys on new get the 502 problem on GET', async () => {
    const statuses = new Set<number>();
    for (let u = 0; u < 30; u++) statuses.add((await request(s.gw.port, '/api/orders/1', { headers: { 'x-user': `user-${u}` } })).status);
    expect([...statuses].sort()).toEqual([200, 502]);
  });
});
