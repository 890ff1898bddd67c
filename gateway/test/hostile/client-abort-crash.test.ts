import { ORDER_CREATE, ROUTES, startHostileCase, type HostileCase, type RouteKind, type Settled } from '../kit/hostile-stack';
import { rawExchange, type Piece, type RawExchange } from '../kit/raw-client';

/**
 * The crash class (issue 13, fault 2): a client can never end the gateway process. Every route
 * kind gets a client that leaves mid-body and mid-response (FIN and RST), an upstream that cuts
 * its answer, and a client that leaves mid-head; afterwards the gateway answers a normal request,
 * no unhandled rejection or uncaught exception was seen, the upstream call was cancelled, and no
 * half-sent write ever reached an upstream whole.
 */

/** Harness limit for the upstream connection to be closed after the client left; reaching it is a failure of cancellation, not of speed. */
const CANCEL_LIMIT_MS = 5_000;

interface Shape {
  /** A request whose body the client will not finish: head plus 55 of 200 declared bytes. */
  readonly midBody: string;
  /** A request the upstream answers halfway, then holds (`stall`) or resets (`cut`). */
  readonly midResponse: (last: 'stall' | 'cut') => string;
  /** Whether the gateway streams the body (so the upstream sees the head before the body ends). */
  readonly streams: boolean;
}

const partial = (method: string, path: string, lines: readonly string[] = []) =>
  `${method} ${path} HTTP/1.1\r\nHost: gw\r\n${lines.map((l) => `${l}\r\n`).join('')}Content-Length: 200\r\n\r\n${'{"customerId":1,"lines":[{"productId":5,"quantity":2}],'.padEnd(55, ' ')}`;
const whole = (method: string, path: string, lines: readonly string[] = [], body = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: gw\r\n${lines.map((l) => `${l}\r\n`).join('')}${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;

const SHAPES: Record<RouteKind, Shape> = {
  plain: { midBody: partial('POST', `${ROUTES.plain}/upload`), midResponse: (l) => whole('GET', `${ROUTES.plain}/${l}`), streams: true },
  translatedResponse: { midBody: partial('GET', `${ROUTES.translatedResponse}/2`), midResponse: (l) => whole('GET', `${ROUTES.translatedResponse}/${l}`), streams: false },
  translatedRequest: {
    midBody: partial('POST', `${ROUTES.translatedRequest}/`, ['Content-Type: application/json']),
    midResponse: (l) => whole('POST', `${ROUTES.translatedRequest}/${l}`, ['Content-Type: application/json'], ORDER_CREATE),
    streams: false,
  },
  shadowed: { midBody: partial('POST', `${ROUTES.shadowed}/upload`), midResponse: (l) => whole('GET', `${ROUTES.shadowed}/${l}`), streams: true },
  composed: { midBody: partial('GET', `${ROUTES.composed}/7`), midResponse: (l) => whole('GET', `${ROUTES.composed}/${l}`), streams: false },
  catchAll: { midBody: partial('POST', `${ROUTES.catchAll}/upload`), midResponse: (l) => whole('GET', `${ROUTES.catchAll}/${l}`), streams: true },
};
const KINDS = Object.keys(SHAPES) as RouteKind[];
const ABORTS = ['destroy', 'reset'] as const;

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for `p` up to a harness limit; true when it settled in time. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = await Promise.race([p.then(() => true as const), limit]);
  clearTimeout(timer);
  return done;
}

interface Outcome {
  readonly client: RawExchange;
  readonly cancelled: boolean;
  readonly probe: number | undefined;
  readonly settled: Settled;
}

/** Runs one abort: the client's pieces, then (when the upstream had the request) waits for the gateway to close the upstream call, then a probe. */
async function abortCase(pieces: (c: HostileCase) => Piece[], abort: 'destroy' | 'reset' | null, upstreamCallOpen: boolean): Promise<Outcome> {
  const c = await startHostileCase();
  let client: RawExchange;
  let cancelled = true;
  let probe: number | undefined;
  try {
    client = await rawExchange(c.port, pieces(c), abort ? { abort } : { responses: 1 });
    if (upstreamCallOpen) cancelled = await within(c.legacy.idle(), CANCEL_LIMIT_MS);
    probe = (await c.probe())?.status;
  } catch (e) {
    await c.settle();
    throw e;
  }
  return { client, cancelled, probe, settled: await c.settle() };
}

/** What every abort case must show: still serving, no process fault, nothing smuggled or unlogged upstream. */
function survived(o: Outcome): string[] {
  return [...o.settled.violations, ...(o.probe === 200 ? [] : [`gateway: a normal request afterwards got ${o.probe ?? 'no answer'}`])];
}

describe('a client that leaves mid-body', () => {
  const cases = KINDS.flatMap((kind) => ABORTS.map((abort) => [kind, abort] as const));
  it.each(cases)('%s route, client %s: still serving, no half write upstream', async (kind, abort) => {
    const shape = SHAPES[kind];
    const o = await abortCase(
      (c) => [shape.midBody, { until: () => (shape.streams ? c.legacy.headSeen() : pause(100)) }],
      abort,
      shape.streams,
    );
    const problems = survived(o);
    if (o.settled.legacy.some((r) => r.complete)) problems.push(`upstream: a half-sent body arrived whole: ${o.settled.legacy.map((r) => r.requestLine).join('; ')}`);
    if (o.settled.legacy.length > 1) problems.push(`upstream: ${o.settled.legacy.length} requests for one aborted upload`);
    if (kind === 'translatedRequest' && o.settled.legacy.length > 0) problems.push('upstream: a half-read write was translated and sent');
    if (o.settled.fresh.length > 0) problems.push('shadow: a half-sent write was mirrored');
    if (!o.cancelled) problems.push('upstream: the call was not cancelled after the client left');
    expect(problems).toEqual([]);
  });
});

describe('a client that leaves mid-response', () => {
  const cases = KINDS.flatMap((kind) => ABORTS.map((abort) => [kind, abort] as const));
  it.each(cases)('%s route, client %s: still serving, upstream call cancelled', async (kind, abort) => {
    const o = await abortCase((c) => [SHAPES[kind].midResponse('stall'), { until: () => c.legacy.answering((r) => r.target.endsWith('/stall')) }], abort, true);
    const problems = survived(o);
    if (o.settled.legacy.filter((r) => r.complete).length !== 1) problems.push(`upstream: wanted the one request, received ${o.settled.legacy.map((r) => r.requestLine).join('; ')}`);
    if (!o.cancelled) problems.push('upstream: the stalled call was not cancelled after the client left');
    expect(problems).toEqual([]);
  });
});

describe('an upstream that resets mid-answer', () => {
  it.each(KINDS)('%s route: the client never gets a complete 200, the gateway keeps serving', async (kind) => {
    const o = await abortCase(() => [SHAPES[kind].midResponse('cut')], null, false);
    const problems = survived(o);
    const statuses = o.client.responses.map((r) => r.status);
    if (statuses.includes(200)) problems.push('client: a cut answer was passed on as a complete 200');
    if (statuses.length === 0 && !o.client.closed) problems.push('client: neither an error answer nor a closed connection');
    if (statuses.length > 0 && !statuses.every((s) => s === 502)) problems.push(`client: got [${statuses.join(', ')}], wanted 502 or a cut connection`);
    expect(problems).toEqual([]);
  });
});

describe('a client that leaves mid-head', () => {
  it.each(ABORTS)('client %s: nothing upstream, still serving', async (abort) => {
    const o = await abortCase(() => ['POST /api/plain/x HTTP/1.1\r\nHost: gw\r\nContent-Len'], abort, false);
    const problems = survived(o);
    if (o.settled.legacy.length > 0) problems.push(`upstream: received ${o.settled.legacy.map((r) => r.requestLine).join('; ')}`);
    expect(problems).toEqual([]);
  });
});

describe('the reported crash, exactly', () => {
  it('POST /api/v2/orders with Content-Length: 200, 55 bytes sent, then the client aborts: the gateway keeps serving', async () => {
    const o = await abortCase(() => [partial('POST', '/api/v2/orders', ['Content-Type: application/json']), { pauseMs: 50 }], 'destroy', false);
    expect(o.settled.faults).toEqual([]);
    expect(o.probe).toBe(200);
    expect(o.settled.legacy).toEqual([]);
  });
});
