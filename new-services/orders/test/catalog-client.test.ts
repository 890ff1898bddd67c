import { CatalogUnavailableError, createHttpCatalogClient } from '../src/index';
import { eventually } from '../../../platform/test-kit/eventually';
import { continueTrace, runInTrace } from '../../../platform';
import { product, startCatalogStub, type CatalogStub } from './kit/catalog-stub';

async function failure(promise: Promise<unknown>): Promise<CatalogUnavailableError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CatalogUnavailableError) return err;
    throw err;
  }
  throw new Error('expected a CatalogUnavailableError');
}

describe('HTTP catalog client', () => {
  let stub: CatalogStub;
  beforeEach(async () => {
    stub = await startCatalogStub([product(1, 1250)]);
  });
  afterEach(() => stub.stop());

  it('returns the product, validated against the catalog contract', async () => {
    const client = createHttpCatalogClient({ baseUrl: `${stub.url}/` });
    await expect(client.getProduct(1)).resolves.toEqual(product(1, 1250));
    expect(stub.requests).toEqual([1]);
  });

  it('carries the trace of the request being served, with that request\'s span as parent; none outside one', async () => {
    const client = createHttpCatalogClient({ baseUrl: stub.url });
    const trace = continueTrace({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await runInTrace(trace, () => client.getProduct(1));
    await client.getProduct(1);
    expect(stub.traceparents).toEqual([`00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-01`, undefined]);
  });

  it('answers undefined for a 404', async () => {
    await expect(createHttpCatalogClient({ baseUrl: stub.url }).getProduct(2)).resolves.toBeUndefined();
  });

  it('treats a 5xx as unavailable', async () => {
    stub.mode = 'error';
    const err = await failure(createHttpCatalogClient({ baseUrl: stub.url }).getProduct(1));
    expect([err.code, err.reason]).toEqual(['CATALOG_UNAVAILABLE', 'server-error']);
  });

  it('gives up after its own timeout', async () => {
    stub.mode = 'hang';
    // Two clients wait on the same silent catalog; the one asked second has the shorter timeout and
    // must give up first, while the other still waits: its own timeout, not a default, ended it.
    let patientGaveUp = false;
    const patient = failure(createHttpCatalogClient({ baseUrl: stub.url, timeoutMs: 20_000 }).getProduct(1)).then((e) => ((patientGaveUp = true), e));
    await eventually(() => stub.requests.length === 1);
    const err = await failure(createHttpCatalogClient({ baseUrl: stub.url, timeoutMs: 150 }).getProduct(1));
    expect(err.reason).toBe('timeout');
    expect(patientGaveUp).toBe(false);
    await stub.stop(); // ends the patient one's wait
    await patient;
  });

  it('reports a stopped catalog as unreachable', async () => {
    await stub.stop();
    const err = await failure(createHttpCatalogClient({ baseUrl: stub.url }).getProduct(1));
    expect(err.reason).toBe('unreachable');
  });

  it('refuses an answer that does not fit the contract', async () => {
    stub.put({ ...product(5, 100), price: { amount: 1.5, currency: 'EUR' } });
    const err = await failure(createHttpCatalogClient({ baseUrl: stub.url }).getProduct(5));
    expect(err.reason).toBe('bad-answer');
  });
});
