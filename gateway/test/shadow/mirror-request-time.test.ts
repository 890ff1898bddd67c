import { openStateDb } from '../../src/control/store-db';
import { HOUR_MS } from '../../src/shadow/batch';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import type { RouteShadowReport } from '../../src/shadow/types';
import type { RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';
import { json, ROUTE, send, shadowTable, startShadowGateway, type OutcomeLog } from './kit';

/**
 * A stamp the legacy side's mapping takes from the request time (`$now`, as the catalog ACL stamps
 * a page's `generatedAt`) is noise, not a difference: each legacy answer is translated at its own
 * request time (the primary at the client's, exactly as the client got it; the noise read at its
 * own), and the noise read is sent once the first legacy answer is in, so the two are stamped
 * apart. Both upstreams take a few milliseconds to answer, so every stamp is a distinct millisecond.
 */

const N = 40;
const DELAY_MS = 3;
const later = (fn: () => void) => setTimeout(fn, DELAY_MS);
const upstreams: TestUpstream[] = [];
let gw: RunningGateway;
let store: ShadowStore;
let outcomes: OutcomeLog;
let report: RouteShadowReport;
const clientStamps: unknown[] = [];
/** Per path: legacy answers finished, and how many had finished when each legacy request arrived. */
const finished = new Map<string, number>();
const finishedOnArrival = new Map<string, number[]>();

const page = (id: number) => ({ items: [{ id, name: `Product ${id}` }], page: id, size: 1, total: N });
const idOf = (url: string | undefined) => Number(/\d+$/.exec(url ?? '')?.[0]);

/** Legacy: the same bytes every time, no stamp of its own. */
const legacy: UpstreamHandler = (req, res) => {
  const path = req.url ?? '';
  finishedOnArrival.set(path, [...(finishedOnArrival.get(path) ?? []), finished.get(path) ?? 0]);
  res.once('finish', () => finished.set(path, (finished.get(path) ?? 0) + 1));
  later(() => json(res, page(idOf(path))));
};

/** New: stamps the page when it answers, as the catalog service does. */
const fresh: UpstreamHandler = (req, res) => later(() => json(res, { ...page(idOf(req.url)), generatedAt: new Date().toISOString() }));

beforeAll(async () => {
  const [l, f] = [await startUpstream(legacy), await startUpstream(fresh)];
  upstreams.push(l, f);
  store = new ShadowStore(openStateDb('sqlite::memory:'), { ownsDb: true });
  await store.migrate();
  const recorder = new ShadowRecorder({ store });
  const table = shadowTable(l.url, f.url, {
    shadow: { noiseSample: 1 },
    legacyResponseMapping: 'test/stamp',
    mappings: { 'test/stamp': (input, now) => ({ ...(input as object), generatedAt: now.toISOString() }) },
  });
  ({ gw, outcomes } = await startShadowGateway(table, (o) => recorder.record(o)));
  for (let i = 1; i <= N; i++) {
    const answer = await send(gw.url, `/products/${i}`);
    expect(answer.status).toBe(200);
    clientStamps.push((JSON.parse(answer.body.toString()) as { generatedAt: unknown }).generatedAt);
  }
  await outcomes.atLeast(N);
  await recorder.stop();
  const [r] = await store.report(ROUTE, new Date(Date.now() - HOUR_MS));
  if (!r) throw new Error('no report for the route');
  report = r;
});

afterAll(async () => {
  await gw?.close();
  for (const u of upstreams) await u.close();
  await store?.close();
});

it('asks legacy a second time only once its first answer is in', () => {
  expect(finishedOnArrival.size).toBe(N);
  for (const [path, arrivals] of finishedOnArrival) expect([path, arrivals]).toEqual([path, [0, 1]]);
});

it('translates the primary at the client’s request time: the shadow sees the stamp the client got', () => {
  const byPath = new Map(outcomes.compared().map((o) => [o.request.path, o]));
  for (let i = 1; i <= N; i++) expect((byPath.get(`/products/${i}`)?.legacy.body as { generatedAt?: unknown }).generatedAt).toBe(clientStamps[i - 1]);
});

it('stamps the two legacy reads apart, so the stamp differs legacy → legacy as it does legacy → new', () => {
  const compared = outcomes.compared();
  expect(compared).toHaveLength(N);
  for (const o of compared) {
    expect(o.differences).toEqual([{ path: 'generatedAt', kind: 'changed' }]);
    expect(o.noise).toEqual([{ path: 'generatedAt', kind: 'changed' }]);
  }
});

it('reports the stamp as noise, with its raw and noise counts, and every request as a match', () => {
  expect(report).toMatchObject({ compared: N, noiseSampled: N, matches: N, matchRate: 1 });
  expect(report.fields.map((f) => [f.path, f.kind, f.raw, f.noise, f.real])).toEqual([['generatedAt', 'changed', N, N, false]]);
});
