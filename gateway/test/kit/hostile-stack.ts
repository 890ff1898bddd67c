import type { AddressInfo } from 'node:net';
// The only imports of gateway/src in the hostile suite: when the src layout moves, only these lines
// change. Types are derived from these four entry points rather than imported from where they live.
import { compileRouteTable } from '../../src/config/load';
import { createMetrics } from '../../src/observability/metrics';
import { createGateway, type Gateway } from '../../src/server';
import { aclMappings } from '../../src/translate/acl-adapter';
import { rawExchange, type ParsedResponse, type Piece, type RawExchange, type RawOptions } from './raw-client';
import { echoReply, startRecordingUpstream, type RecordedRequest, type Replier, type RecordingUpstream } from './recording-upstream';

/**
 * The hostile-input suite's stack: per case, three recording upstreams and a real gateway in front
 * of them with every kind of route, a request log kept in memory, and a settle step that closes
 * the gateway and waits until every upstream connection has closed, so that what the upstreams
 * received is then final and can be counted without sleeping. Longer than 250 lines because it is
 * the one file that touches gateway/src (the route kinds, the table and the request log meet here).
 */

/** The request body limit of the hostile table: above the 64 KiB replay buffer, so a 70 KB body is in range. */
export const BODY_LIMIT = 256 * 1024;

/** Where each route kind lives, as a client path prefix. */
export const ROUTES = {
  plain: '/api/plain',
  translatedResponse: '/api/v2/products',
  translatedRequest: '/api/v2/orders',
  shadowed: '/api/shadowed',
  composed: '/api/composed',
  catchAll: '/misc',
} as const;
export type RouteKind = keyof typeof ROUTES;

/** A legacy product row, as catalog/product-read reads it (acl/catalog/fixtures/product-read). */
const LEGACY_PRODUCT = { PRD_ID: 2, PRD_SKU: 'SKU-000002', PRD_NM: 'Steel Bolt 20mm', PRD_DSC: null, PRD_CAT_CD: 'KIT', PRD_PRC: '271.33', PRD_STS: 'A', PRD_UPD_TS: '20200927010726', PRD_FLG_X: null };
/** A legacy order, as orders/order-read reads it (acl/orders/fixtures/order-read). */
const LEGACY_ORDER = {
  ORD_ID: 301, CUST_ID: 125, ORD_DT: '20261125', ORD_STS: 'N', ORD_TOT_AMT: '271.33', ORD_SHP_TS: null, ORD_RMK: null, ORD_UPD_TS: '20261125135344',
  LINES: [{ ORD_ID: 301, ORD_LN_NO: 1, PRD_ID: 2, ORD_LN_QTY: 1, ORD_LN_PRC: '271.33', ORD_LN_AMT: '271.33', ORD_LN_UPD_TS: '20261125135344' }],
};
/** A body orders/create-to-legacy accepts. */
export const ORDER_CREATE = JSON.stringify({ customerId: 1, lines: [{ productId: 5, quantity: 2 }] });

/** Legacy answers in the shapes the translated routes read; a last segment `stall`, `hold` or `cut` answers that way. */
const legacyReplier: Replier = (r) => {
  const path = r.target.split('?')[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  const body = path.startsWith('/api/products/') ? LEGACY_PRODUCT : path.startsWith('/api/orders') ? LEGACY_ORDER : { ok: true, target: r.target };
  if (last === 'stall') return { kind: 'stall', body: { ...body, padding: 'x'.repeat(4096) } };
  if (last === 'hold') return { kind: 'hold' };
  if (last === 'cut') return { kind: 'cut', body: { ...body, padding: 'x'.repeat(4096) } };
  return path.startsWith('/api/') && body !== LEGACY_PRODUCT && body !== LEGACY_ORDER ? echoReply(r) : { kind: 'json', body };
};

/** The table: every route kind, one upstream per role, retries off so that one request is one upstream request. */
export function hostileTableConfig(urls: { legacy: string; fresh: string; parts: string }): Record<string, unknown> {
  const upstream = (url: string) => ({ url, retry: { maxRetries: 0 } });
  return {
    upstreams: { legacy: upstream(urls.legacy), fresh: upstream(urls.fresh), parts: upstream(urls.parts) },
    limits: { maxBodyBytes: BODY_LIMIT },
    routes: [
      { id: 'plain', path: `${ROUTES.plain}/*`, mode: 'legacy', legacy: { upstream: 'legacy' } },
      {
        id: 'v2.products',
        path: `${ROUTES.translatedResponse}/*`,
        methods: ['GET'],
        mode: 'legacy',
        legacy: { upstream: 'legacy', rewrite: '/api/products/*', translate: { response: 'catalog/product-read' } },
      },
      {
        id: 'v2.orders',
        path: `${ROUTES.translatedRequest}/*`,
        methods: ['GET', 'POST'],
        mode: 'legacy',
        legacy: { upstream: 'legacy', rewrite: '/api/orders/*', translate: { request: 'orders/create-to-legacy', response: 'orders/order-read' } },
      },
      {
        id: 'shadowed',
        path: `${ROUTES.shadowed}/*`,
        mode: 'shadow',
        legacy: { upstream: 'legacy' },
        new: { upstream: 'fresh' },
        shadow: { sample: 1, noiseSample: 0, mirrorWrites: true },
      },
      {
        id: 'composed',
        path: `${ROUTES.composed}/:id`,
        methods: ['GET'],
        mode: 'legacy',
        legacy: { upstream: 'legacy' },
        resilience: { optionalParts: [{ field: 'extras', upstream: 'parts', path: '/parts/:id', timeoutMs: 5_000 }] },
      },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
    ],
  };
}

type RouteTable = ReturnType<typeof compileRouteTable>;
type MappingResolver = NonNullable<NonNullable<Parameters<typeof compileRouteTable>[2]>['mappings']>;
type TranslationMapping = ReturnType<MappingResolver>;
type Logger = Parameters<typeof createGateway>[0]['logger'];
interface TableIssue {
  readonly path: string;
  readonly message: string;
}

/** A refused table: the gateway's RouteTableError, told by its code. */
function tableIssues(e: unknown): readonly TableIssue[] | null {
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== 'E_ROUTE_TABLE') return null;
  const issues = (e as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as TableIssue[]) : null;
}

/** ACL mappings compiled once per test file, not once per case. */
const compiled = new Map<string, TranslationMapping>();
let acl: MappingResolver | null = null;
const mappings: MappingResolver = (name) => {
  let m = compiled.get(name);
  if (!m) compiled.set(name, (m = (acl ??= aclMappings())(name)));
  return m;
};

/** Compiles a table config as the gateway would load it; the issues of a refused one. */
export function compileTable(config: unknown): { ok: true; table: RouteTable } | { ok: false; issues: readonly TableIssue[]; error: unknown } {
  try {
    return { ok: true, table: compileRouteTable(config, 'hostile', { mappings }) };
  } catch (e) {
    return { ok: false, issues: tableIssues(e) ?? [], error: e };
  }
}

/** One request log line of the gateway. */
export interface LoggedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly upstream: string;
  readonly status: number;
  readonly error?: string;
}

/** A logger that keeps the gateway's request lines in memory, synchronously (no stream in between). */
function recordingLogger(): { logger: Logger; requests: LoggedRequest[]; other: string[] } {
  const requests: LoggedRequest[] = [];
  const other: string[] = [];
  const log = (level: string) => (message: unknown, meta?: unknown) => {
    if (message === 'request' && meta && typeof meta === 'object') {
      const m = meta as Record<string, unknown>;
      requests.push({
        requestId: String(m['requestId']),
        method: String(m['method']),
        path: String(m['path']),
        route: String(m['route']),
        upstream: String(m['upstream']),
        status: Number(m['status']),
        ...(m['error'] !== undefined ? { error: String(m['error']) } : {}),
      });
    } else other.push(`${level}: ${String(message)} ${meta === undefined ? '' : JSON.stringify(meta)}`);
    return logger;
  };
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as unknown as Logger;
  return { logger, requests, other };
}

/**
 * Process-level faults (an unhandled rejection, an uncaught exception) raised while a case runs.
 * Jest's `process` is a sandboxed copy whose events never fire; the host process is reached
 * through a function made in the host realm (Buffer's constructor's Function).
 */
export function watchProcessFaults(): { faults(): string[]; stop(): void } {
  const seen: string[] = [];
  const host = (Buffer as unknown as { constructor: FunctionConstructor }).constructor('return process')() as NodeJS.Process;
  const onRejection = (e: unknown) => seen.push(`unhandledRejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const onException = (e: unknown) => seen.push(`uncaughtException: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  host.on('unhandledRejection', onRejection);
  host.on('uncaughtException', onException);
  return {
    faults: () => [...seen],
    stop() {
      host.off('unhandledRejection', onRejection);
      host.off('uncaughtException', onException);
    },
  };
}

/** The request id of the follow-up request every case sends, so that it can be told from the case's own traffic. */
export const PROBE_ID = 'hostile-probe';

/** What the upstreams received and the gateway logged in one case, once everything has closed. */
export interface Settled {
  /** Requests at each upstream, the follow-up probe left out. */
  readonly legacy: readonly RecordedRequest[];
  readonly fresh: readonly RecordedRequest[];
  readonly parts: readonly RecordedRequest[];
  /** The gateway's request log, the probe left out. */
  readonly log: readonly LoggedRequest[];
  /** Unhandled rejections and uncaught exceptions seen during the case. */
  readonly faults: readonly string[];
  /** Breaches of the rules every case must keep (see `invariantViolations`). */
  readonly violations: readonly string[];
  /** Harness notes: connections the harness had to force closed. */
  readonly forced: readonly string[];
}

export interface HostileCase {
  readonly port: number;
  readonly gateway: Gateway;
  readonly legacy: RecordingUpstream;
  readonly fresh: RecordingUpstream;
  readonly parts: RecordingUpstream;
  /** A normal request on a fresh connection: the gateway must still be serving. */
  probe(): Promise<ParsedResponse | undefined>;
  /** Closes the gateway and waits for every upstream connection to close; then counts. */
  settle(): Promise<Settled>;
}

/** Harness limit for closing a case down; reaching it is reported in `forced`, not a claim about speed. */
const SETTLE_LIMIT_MS = 8_000;

/** Starts three recording upstreams and a gateway with the hostile table in front of them. */
export async function startHostileCase(options: { table?: (config: Record<string, unknown>) => Record<string, unknown> } = {}): Promise<HostileCase> {
  const faults = watchProcessFaults();
  const [legacy, fresh, parts] = await Promise.all([
    startRecordingUpstream('legacy', legacyReplier),
    startRecordingUpstream('fresh'),
    startRecordingUpstream('parts', (r) => ({ kind: 'json', body: { part: r.target } })),
  ]);
  const config = hostileTableConfig({ legacy: legacy.url, fresh: fresh.url, parts: parts.url });
  const result = compileTable(options.table ? options.table(config) : config);
  if (!result.ok) throw result.error;
  const logs = recordingLogger();
  // Load shedding reads the event loop delay; a busy CI machine must not turn a case into a 503.
  const gateway = createGateway({ table: result.table, logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }), resilience: { eventLoopDelayMs: () => 0 } });
  await gateway.listen(0, '127.0.0.1');
  const port = (gateway.server.address() as AddressInfo).port;
  return {
    port,
    gateway,
    legacy,
    fresh,
    parts,
    async probe() {
      const x = await rawExchange(port, `GET /hostile/probe HTTP/1.1\r\nHost: gw\r\nX-Request-Id: ${PROBE_ID}\r\nConnection: close\r\n\r\n`, { responses: 1 });
      return x.responses[0];
    },
    async settle() {
      const forced: string[] = [];
      await bounded(gateway.close(), SETTLE_LIMIT_MS, () => {
        forced.push('gateway connections still open at the harness limit: closed by force');
        gateway.server.closeAllConnections();
      });
      for (const u of [legacy, fresh, parts]) {
        await bounded(u.idle(), SETTLE_LIMIT_MS, () => forced.push(`${u.name}: connections still open at the harness limit`));
      }
      await Promise.all([legacy.close(), fresh.close(), parts.close()]);
      faults.stop();
      const notProbe = (r: RecordedRequest) => !r.header('x-request-id').includes(PROBE_ID);
      const log = logs.requests.filter((l) => l.requestId !== PROBE_ID);
      const settled = {
        legacy: legacy.requests.filter(notProbe),
        fresh: fresh.requests.filter(notProbe),
        parts: parts.requests.filter(notProbe),
        log,
        faults: faults.faults(),
        forced,
      };
      return { ...settled, violations: [...invariantViolations(settled), ...forced.map((f) => `harness: ${f}`)] };
    },
  };
}

function bounded(p: Promise<unknown>, ms: number, onLimit: () => void): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      onLimit();
      resolve();
    }, ms);
    void p.then(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

const describeRequest = (r: RecordedRequest) =>
  r.method === '' ? `bytes that are no request (${r.problem}): ${JSON.stringify(r.body.subarray(0, 80).toString('latin1'))}` : `${r.requestLine}${r.problem ? ` (${r.problem})` : ''}`;

/**
 * The rules every case keeps, whatever the input: no upstream ever receives bytes that are no
 * request or a request with broken framing; every request an upstream receives carries the id of
 * a request the gateway logged as forwarded (a smuggled one carries none); no upstream receives
 * two requests for one logged request (retries are off); no process fault.
 */
export function invariantViolations(s: Omit<Settled, 'violations'>): string[] {
  const out: string[] = [];
  const forwarded = new Set(s.log.filter((l) => l.upstream !== '-').map((l) => l.requestId));
  for (const [name, list] of [['legacy', s.legacy], ['fresh', s.fresh], ['parts', s.parts]] as const) {
    const perId = new Map<string, number>();
    for (const r of list) {
      if (r.method === '' || r.framing === 'invalid') {
        out.push(`${name} received ${describeRequest(r)}`);
        continue;
      }
      const ids = r.header('x-request-id');
      const id = ids[0];
      if (ids.length !== 1 || id === undefined || !forwarded.has(id)) {
        out.push(`${name} received a request the gateway never logged as forwarded: ${describeRequest(r)} (x-request-id ${JSON.stringify(ids)})`);
        continue;
      }
      perId.set(id, (perId.get(id) ?? 0) + 1);
      if (perId.get(id) === 2) out.push(`${name} received a second request for one logged request ${id}: ${describeRequest(r)}`);
    }
  }
  for (const f of s.faults) out.push(`process fault: ${f.split('\n').slice(0, 3).join(' | ')}`);
  return out;
}

/** What a case expects of the client's view and the upstreams' view. */
export type Verdict =
  /** Refused at the edge: one answer with this status, the connection closed (unless `keepOpen`), no upstream saw anything. */
  | {
      readonly kind: 'refused';
      readonly status: number | readonly number[];
      /** The refusal need not close the connection (a 404 or 405 leaves it usable). */
      readonly keepOpen?: boolean;
      /** Part of a streamed body may have reached the upstream before the bad bytes: one request, cut off, never completed. */
      readonly partialUpstreamAllowed?: boolean;
      /** A message broken mid-body may be answered by closing the connection, without a response. */
      readonly silentCloseAllowed?: boolean;
    }
  /** Forwarded: exactly one request at the primary (legacy) upstream, with this method, target and body, correctly framed; the client got `status`. */
  | {
      readonly kind: 'forwarded';
      readonly method: string;
      readonly target?: string | RegExp;
      readonly body?: string | Buffer;
      readonly status?: number;
      /** More about the one upstream request: problems, as sentences. */
      readonly upstream?: (r: RecordedRequest) => string[];
    }
  /** Either of the two. */
  | { readonly kind: 'either'; readonly forwarded: Extract<Verdict, { kind: 'forwarded' }>; readonly refused: Extract<Verdict, { kind: 'refused' }> }
  /**
   * A request followed by bytes that are no request: the client's view and the upstream's agree.
   * If the upstream received the request whole, the client got that request's answer first; if
   * not, the client got a 400 and the upstream saw nothing.
   */
  | { readonly kind: 'consistent'; readonly method: string };

/** Whether the client should wait for the server to close after the answer: only when the verdict wants a closing refusal. */
export function awaitCloseFor(verdict: Verdict): RawOptions['awaitClose'] {
  const refusal = verdict.kind === 'refused' ? verdict : verdict.kind === 'either' ? verdict.refused : null;
  if (!refusal || refusal.keepOpen) return false;
  return (responses) => responses.some((r) => r.status >= 400);
}

/** One case run end to end: the client's exchange, the follow-up probe, and the settled upstream view. */
export interface CaseRun {
  readonly client: RawExchange;
  /** The answer to a normal request sent after the case, on a fresh connection. */
  readonly probe: ParsedResponse | undefined;
  readonly settled: Settled;
}

/**
 * Starts a fresh stack, sends the pieces (built from the stack when they wait on its upstreams),
 * sends the probe, and settles. A refusal (an answer of 400 or more) is awaited to its close.
 */
export async function runCase(
  pieces: Piece | readonly Piece[] | ((c: HostileCase) => readonly Piece[]),
  options: RawOptions & { table?: (config: Record<string, unknown>) => Record<string, unknown> } = {},
): Promise<CaseRun> {
  const c = await startHostileCase(options.table ? { table: options.table } : {});
  let client: RawExchange;
  let probe: ParsedResponse | undefined;
  try {
    client = await rawExchange(c.port, typeof pieces === 'function' ? pieces(c) : pieces, {
      responses: 1,
      awaitClose: (responses) => responses.some((r) => r.status >= 400),
      closeProbe: `GET /hostile/after-refusal HTTP/1.1\r\nHost: gw\r\nX-Request-Id: ${PROBE_ID}\r\n\r\n`,
      ...options,
    });
    probe = await c.probe();
  } catch (e) {
    // A throwing exchange still closes the stack down before the case fails.
    await c.settle();
    throw e;
  }
  return { client, probe, settled: await c.settle() };
}

/** Runs a case and judges it: the problems found, as sentences (empty when the verdict holds). */
export async function check(
  verdict: Verdict,
  pieces: Parameters<typeof runCase>[0],
  options: Parameters<typeof runCase>[1] = {},
): Promise<string[]> {
  return judge(verdict, await runCase(pieces, { awaitClose: awaitCloseFor(verdict), ...options }));
}

/** Problems with a case's outcome, as sentences; empty when the verdict holds. */
export function judge(verdict: Verdict, run: CaseRun): string[] {
  const served = run.probe?.status === 200 ? [] : [`gateway: a normal request afterwards got ${run.probe ? run.probe.status : 'no answer'}`];
  return [...judgeExchange(verdict, run.client, run.settled), ...served];
}

function judgeExchange(verdict: Verdict, client: RawExchange, s: Settled): string[] {
  if (verdict.kind === 'either') {
    const asRefused = judgeExchange(verdict.refused, client, s);
    if (asRefused.length === 0) return [];
    const asForwarded = judgeExchange(verdict.forwarded, client, s);
    if (asForwarded.length === 0) return [];
    const refusedLooksMeant = client.responses[0] !== undefined && client.responses[0].status >= 400;
    return [`neither forwarded once nor refused; as ${refusedLooksMeant ? 'refused' : 'forwarded'}:`, ...(refusedLooksMeant ? asRefused : asForwarded)];
  }
  const out = [...s.violations];
  const statuses = client.responses.map((r) => r.status);
  if (verdict.kind === 'consistent') {
    const executed = s.legacy.filter((r) => r.complete);
    if (executed.length > 1) out.push(`upstream: wanted at most one request, received ${s.legacy.map(describeRequest).join('; ')}`);
    if (executed.length === 1 && statuses[0] !== 200) {
      out.push(`client and upstream disagree: the upstream executed ${describeRequest(executed[0] as RecordedRequest)}, the client got [${statuses.join(', ')}] and never its answer`);
    }
    if (executed.length === 0 && statuses[0] !== 400) out.push(`client: nothing was forwarded, yet the client got [${statuses.join(', ')}]`);
    return out;
  }
  if (verdict.kind === 'refused') {
    const wanted = typeof verdict.status === 'number' ? [verdict.status] : verdict.status;
    const silent = verdict.silentCloseAllowed === true && statuses.length === 0 && client.closed;
    if (!silent && (statuses.length !== 1 || !wanted.includes(statuses[0] as number))) {
      out.push(`client: wanted one ${wanted.join(' or ')} answer${verdict.silentCloseAllowed ? ' (or a close without one)' : ''}, got [${statuses.join(', ')}]${client.timedOut ? ' (harness limit reached)' : ''}`);
    }
    const answer = client.responses[0];
    if (answer && answer.status >= 400 && !/^application\/problem\+json/.test(answer.header('content-type') ?? '')) {
      out.push(`client: the ${answer.status} is not a problem+json answer (content-type ${answer.header('content-type') ?? 'none'})`);
    }
    if (!verdict.keepOpen && !client.closed) out.push('client: the connection was not closed after the refusal');
    const all = [...s.legacy, ...s.fresh, ...s.parts];
    const partialOk = verdict.partialUpstreamAllowed && all.length === 1 && all[0]?.complete === false;
    if (all.length > 0 && !partialOk) out.push(`upstream: wanted nothing, received ${all.map(describeRequest).join('; ')}`);
    return out;
  }
  const wantStatus = verdict.status ?? 200;
  if (statuses.length !== 1 || statuses[0] !== wantStatus) out.push(`client: wanted one ${wantStatus} answer, got [${statuses.join(', ')}]${client.timedOut ? ' (harness limit reached)' : ''}`);
  if (s.legacy.length !== 1) {
    out.push(`upstream: wanted exactly one request, received ${s.legacy.length}: ${s.legacy.map(describeRequest).join('; ')}`);
    return out;
  }
  const r = s.legacy[0] as RecordedRequest;
  if (r.method !== verdict.method) out.push(`upstream: method ${r.method}, wanted ${verdict.method}`);
  if (verdict.target !== undefined && !(typeof verdict.target === 'string' ? r.target === verdict.target : verdict.target.test(r.target))) {
    out.push(`upstream: target ${r.target}, wanted ${String(verdict.target)}`);
  }
  out.push(...framingProblems(r, verdict.body === undefined ? undefined : Buffer.from(verdict.body)));
  if (verdict.upstream) out.push(...verdict.upstream(r));
  return out;
}

/** A request carries its body with exactly one correct framing (and a bodiless one none, or a zero length). */
export function framingProblems(r: RecordedRequest, body: Buffer | undefined): string[] {
  const out: string[] = [];
  const cl = r.header('content-length');
  const te = r.header('transfer-encoding');
  if (cl.length > 1 || te.length > 1 || (cl.length > 0 && te.length > 0)) out.push(`upstream: framing headers CL ${JSON.stringify(cl)} TE ${JSON.stringify(te)}`);
  if (!r.complete) out.push('upstream: the request arrived incomplete');
  if (body === undefined) return out;
  if (!r.body.equals(body)) out.push(`upstream: body of ${r.body.length} bytes (${JSON.stringify(r.body.subarray(0, 60).toString('latin1'))}), wanted ${body.length} bytes`);
  if (body.length > 0 && r.framing === 'none') out.push('upstream: body sent without framing');
  return out;
}
