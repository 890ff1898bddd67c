import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRouteTable } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';
import { ShadowMirror } from '../../src/shadow/mirror';
import type { ShadowOutcome } from '../../src/shadow/types';
import type { TranslationMapping } from '../../src/config/mapping';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * Test kit for the shadow mirror's end-to-end tests (gateway/test/shadow/mirror-*.test.ts): a
 * route table with one route on two upstreams (`legacy` and `fresh`), a collector of the outcomes
 * the gateway hands to its shadow sink, a raw HTTP client, and a watch on the gateway's own
 * ShadowMirror (its `size()` is not reachable through the Gateway interface).
 */

export const ROUTE = 'products';

export type Mode = 'legacy' | 'shadow' | 'canary' | 'new';

export interface TableOptions {
  readonly mode?: Mode;
  /** The route's `shadow` settings, as routes.json would hold them. */
  readonly shadow?: Record<string, unknown>;
  /** The table's `shadowing` limits. */
  readonly shadowing?: { readonly maxPending?: number; readonly concurrency?: number };
  /** Response mapping names on the legacy side (resolved through `mappings`). */
  readonly legacyResponseMapping?: string;
  /** Error mapping name on the legacy side (`translate.error`). */
  readonly legacyErrorMapping?: string;
  /** Mappings by name, as plain functions of the input and the request time. */
  readonly mappings?: Readonly<Record<string, (input: unknown, now: Date) => unknown>>;
  /** Upstream settings besides the URL (e.g. timeoutMs), for both upstreams. */
  readonly upstreamSettings?: Record<string, unknown>;
  /** More routes, before the catch-all. */
  readonly routes?: readonly Record<string, unknown>[];
}

/** One route `products` (`/products/*`) on `legacy` and `fresh`, in the mode given (shadow by default), plus a catch-all to legacy. */
export function shadowTable(legacyUrl: string, freshUrl: string, o: TableOptions = {}): RouteTable {
  const route: Record<string, unknown> = {
    id: ROUTE,
    path: '/products/*',
    mode: o.mode ?? 'shadow',
    legacy: {
      upstream: 'legacy',
      ...(o.legacyResponseMapping || o.legacyErrorMapping
        ? { translate: { ...(o.legacyResponseMapping ? { response: o.legacyResponseMapping } : {}), ...(o.legacyErrorMapping ? { error: o.legacyErrorMapping } : {}) } }
        : {}),
    },
    new: { upstream: 'fresh' },
    ...(o.shadow ? { shadow: o.shadow } : {}),
  };
  const mappings = o.mappings ?? {};
  return compileRouteTable(
    {
      upstreams: { legacy: { ...o.upstreamSettings, url: legacyUrl }, fresh: { ...o.upstreamSettings, url: freshUrl } },
      routes: [route, ...(o.routes ?? []), { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } }],
      ...(o.shadowing ? { shadowing: o.shadowing } : {}),
    },
    'test',
    {
      mappings: (name: string): TranslationMapping => {
        const fn = mappings[name];
        if (!fn) throw new Error(`no mapping ${name} in the test`);
        return { name, evaluate: async (input: unknown, now: Date) => fn(input, now) };
      },
    },
  );
}

/** A gateway on the table, with every shadow outcome collected (and handed to `alsoTo`, e.g. a ShadowRecorder, first). */
export async function startShadowGateway(table: RouteTable, alsoTo?: (o: ShadowOutcome) => void): Promise<{ gw: RunningGateway; outcomes: OutcomeLog }> {
  const gw = await startGateway(table);
  const outcomes = new OutcomeLog();
  gw.gateway.setShadowSink((o) => {
    alsoTo?.(o);
    outcomes.add(o);
  });
  return { gw, outcomes };
}

/** The outcome variants whose kind may be K (distributes over the union). */
type Variant<O, K> = O extends { readonly kind: infer T } ? (K extends T ? O : never) : never;
export type OutcomeOf<K extends ShadowOutcome['kind']> = Variant<ShadowOutcome, K>;

/** What the gateway handed to its shadow sink, in order. */
export class OutcomeLog {
  readonly all: ShadowOutcome[] = [];

  add(o: ShadowOutcome): void {
    this.all.push(o);
  }

  of<K extends ShadowOutcome['kind']>(kind: K): OutcomeOf<K>[] {
    return this.all.filter((o): o is OutcomeOf<K> => o.kind === kind);
  }

  compared(): OutcomeOf<'compared'>[] {
    return this.of('compared');
  }

  /** Resolves once at least `n` outcomes are in; a failure names the kinds that did arrive. */
  async atLeast(n: number): Promise<void> {
    try {
      await eventually(() => this.all.length >= n);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)} (${n} outcomes; got ${this.all.length}: ${JSON.stringify(this.all.map((o) => o.kind))})`);
    }
  }
}

/** An answer as the client received it, bytes and all. */
export interface RawAnswer {
  readonly status: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  /** Sent in these pieces, chunked (no content-length) unless headers say otherwise. */
  readonly chunks?: readonly (string | Buffer)[];
}

/** One request on a fresh connection, answer fully read. */
export function send(baseUrl: string, path: string, o: RequestOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}

/** The parts of an answer that must not depend on shadowing: all but `date` and `x-request-id`. */
export function visible(a: RawAnswer): { status: number; statusMessage: string; headers: string[][]; bodyBytes: number; bodySha256: string; bodyHead: string } {
  const headers: string[][] = [];
  for (let i = 0; i < a.rawHeaders.length; i += 2) {
    const name = a.rawHeaders[i] as string;
    if (name.toLowerCase() === 'date' || name.toLowerCase() === 'x-request-id') continue;
    headers.push([name, a.rawHeaders[i + 1] as string]);
  }
  return {
    status: a.status,
    statusMessage: a.statusMessage,
    headers,
    bodyBytes: a.body.length,
    bodySha256: createHash('sha256').update(a.body).digest('hex'),
    bodyHead: a.body.subarray(0, 200).toString('latin1'),
  };
}

/** Runs `task(i)` for i in [0, n) with at most `width` at once; results in order. */
export async function pool<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return out;
}

/** A port nothing listens on (just closed). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Timers an upstream handler set, cleared when the test ends (no handle left open). */
export class Timers {
  private readonly set = new Set<NodeJS.Timeout>();
  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.set.delete(t);
      fn();
    }, ms);
    this.set.add(t);
  }
  clear(): void {
    for (const t of this.set) clearTimeout(t);
    this.set.clear();
  }
}

/** Answers held back until `release()` (a stalled upstream); `held()` counts those waiting. */
export class Stall {
  private readonly waiting: (() => void)[] = [];
  private stalled = true;

  /** Holds `answer` while stalled; runs it at once otherwise. */
  hold(answer: () => void): void {
    if (this.stalled) this.waiting.push(answer);
    else answer();
  }

  held(): number {
    return this.waiting.length;
  }

  release(): void {
    this.stalled = false;
    for (const a of this.waiting.splice(0)) a();
  }
}

/** What the watch saw of the gateway's ShadowMirror for one route. */
export interface MirrorWatch {
  /** Calls of `begin` for the route. */
  begins(): number;
  /** Tickets `begin` handed out (requests admitted to be shadowed). */
  tickets(): number;
  /** The largest `size()` seen right after each `begin` and at every poll. */
  maxSize(): number;
  /** The current `size()` of every mirror that served the route. */
  size(): number;
  stop(): void;
}

/**
 * Watches the ShadowMirror instances the gateway creates (jest spy on the prototype's `begin`),
 * sampling `size()` after every admission and every `pollMs`.
 */
export function watchMirror(routeId: string = ROUTE, pollMs = 2): MirrorWatch {
  const mirrors = new Set<ShadowMirror>();
  let begins = 0;
  let tickets = 0;
  let max = 0;
  const original = ShadowMirror.prototype.begin;
  const total = () => [...mirrors].reduce((n, m) => n + m.size(), 0);
  const spy = jest.spyOn(ShadowMirror.prototype, 'begin').mockImplementation(function (this: ShadowMirror, ...args: Parameters<ShadowMirror['begin']>) {
    const ticket = original.apply(this, args);
    if (args[0].route?.id === routeId) {
      mirrors.add(this);
      begins++;
      if (ticket) tickets++;
      max = Math.max(max, total());
    }
    return ticket;
  });
  const poll = setInterval(() => (max = Math.max(max, total())), pollMs);
  return {
    begins: () => begins,
    tickets: () => tickets,
    maxSize: () => Math.max(max, total()),
    size: total,
    stop: () => {
      clearInterval(poll);
      spy.mockRestore();
    },
  };
}

/** A JSON answer. */
export function json(res: http.ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The mirror tests' shared fixture: upstreams and gateways a test starts (closed after it, gateways
 * first) and a fresh watch on the mirror per test. Call once at the top of a test file.
 */
export interface MirrorFixture {
  readonly upstreams: { close(): Promise<void> }[];
  readonly gateways: RunningGateway[];
  /** This test's watch; replaced before each test. */
  readonly watch: MirrorWatch;
}

export function mirrorFixture(): MirrorFixture {
  const fixture = { upstreams: [] as { close(): Promise<void> }[], gateways: [] as RunningGateway[], watch: undefined as MirrorWatch | undefined };
  beforeEach(() => {
    fixture.watch = watchMirror();
  });
  afterEach(async () => {
    fixture.watch?.stop();
    for (const g of fixture.gateways.splice(0)) await g.close();
    for (const u of fixture.upstreams.splice(0)) await u.close();
  });
  return {
    upstreams: fixture.upstreams,
    gateways: fixture.gateways,
    get watch(): MirrorWatch {
      if (!fixture.watch) throw new Error('mirrorFixture().watch is only there inside a test');
      return fixture.watch;
    },
  };
}
