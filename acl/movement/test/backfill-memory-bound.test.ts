import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../../../platform/test-kit/eventually';
import { CONTEXTS, backfill, verify } from '../index';
import type { LegacyRecord } from '../contexts';
import { FAST_RETRY, seededLegacy, startCatalog, type LegacyFixture, type RunningService } from './kit';

const BATCH = 100;
const ROWS = 3000;

/**
 * Rows in flight = rows read from legacy − rows whose batch the service acknowledged. The engine reads
 * ahead one batch while the service digests the current one, so it may hold two batches, never more,
 * whatever the table size. Measured at the two boundaries (the legacy reader and a real proxy in front
 * of the service), without any clock.
 */
describe('backfill holds at most two batches of rows at a time', () => {
  let legacy: LegacyFixture;
  let catalog: RunningService;
  let proxy: Server;
  let proxyUrl: string;
  let readRows = 0;
  let readsResolved = 0;
  let ackedRows = 0;
  let posts = 0;
  /** Row count of each batch read, in order: POST n carries batch n (the ACL's refusals included, they are released with it). */
  const batchSizes: number[] = [];
  let peak = 0;
  let gateTimeouts = 0;
  const samples: number[] = [];
  const readBatch = CONTEXTS.catalog.readBatch.bind(CONTEXTS.catalog);

  /** Holds each batch POST until the engine's read-ahead has come back from legacy (bounded), so the overlap is certain, not a matter of timing. */
  async function gate(posted: number): Promise<void> {
    await eventually(() => readsResolved > posted).catch(() => gateTimeouts++);
  }

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let batch: number | undefined;
    if (req.method === 'POST' && req.url === '/products/batch') {
      batch = posts++;
      await gate(posts);
    }
    const answer = await fetch(catalog.url + (req.url ?? '/'), { method: req.method, headers: { 'content-type': 'application/json' }, body: req.method === 'GET' ? undefined : body });
    const text = await answer.text();
    if (answer.ok && batch !== undefined) ackedRows += batchSizes[batch] ?? 0;
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
  }

  beforeAll(async () => {
    legacy = await seededLegacy(ROWS);
    catalog = await startCatalog();
    proxy = createServer((req, res) => void relay(req, res).catch(() => res.writeHead(502).end()));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    jest.spyOn(CONTEXTS.catalog, 'readBatch').mockImplementation(async (...args): Promise<LegacyRecord[]> => {
      const records = await readBatch(...args);
      readRows += records.length;
      batchSizes.push(records.length);
      readsResolved++;
      const inFlight = readRows - ackedRows;
      samples.push(inFlight);
      peak = Math.max(peak, inFlight);
      return records;
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await catalog.stop();
    await legacy.cleanup();
  });

  it(`${ROWS} rows in batches of ${BATCH}: never more than ${2 * BATCH} rows read but not acknowledged`, async () => {
    const result = await backfill({ context: 'catalog', legacyUrl: legacy.url, serviceUrl: proxyUrl, dataDir: legacy.dir, batchSize: BATCH, retry: FAST_RETRY });
    expect(result.counters.read).toBe(ROWS);
    expect(readRows).toBe(ROWS);
    expect(posts).toBe(ROWS / BATCH);
    expect(ackedRows).toBe(ROWS); // every batch held accepted rows, so every batch was posted

    expect(samples).toHaveLength(ROWS / BATCH + 1); // one read per batch, and the empty one that ends the pass
    expect(peak).toBeLessThanOrEqual(2 * BATCH);
    // The instrument does see the read-ahead (one batch at the service, the next one read): the bound is reached, not merely unexercised.
    expect(gateTimeouts).toBe(0);
    expect(peak).toBe(2 * BATCH);

    expect((await verify({ context: 'catalog', legacyUrl: legacy.url, serviceUrl: catalog.url })).clean).toBe(true);
  }, 60_000);
});
