import request from 'supertest';
import { silentLogger } from '../../../platform';
import { createCatalogApp, createKnexProductRepository, ProductPageSchema, ProductSchema, type ProductPage } from '../src/index';
import { memoryCatalog, product, PROBLEM_JSON, type MemoryCatalog } from './kit';

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let cat: MemoryCatalog;

beforeAll(async () => {
  cat = await memoryCatalog();
  // Inserted out of order, so the page order proves sorting by id rather than by insertion.
  const ids = [...Array.from({ length: 120 }, (_, i) => 120 - i)];
  await createKnexProductRepository(cat.db).upsertBatch(ids.map((id) => product(id)));
});
afterAll(() => cat.close());

describe('GET /products', () => {
  it('defaults to page 1 of 50, in id order, with the total', async () => {
    const res = await request(cat.app).get('/products').expect(200);
    const page = ProductPageSchema.parse(res.body);
    expect(page).toMatchObject({ page: 1, size: 50, total: 120 });
    expect(page.items.map((p) => p.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(page.items[2]).toEqual(product(3));
  });

  it('pages are stable and cover every product exactly once', async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const res = await request(cat.app).get(`/products?page=${page}&size=50`).expect(200);
      seen.push(...(res.body as { items: Array<{ id: number }> }).items.map((p) => p.id));
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    // Read twice, the same page differs only in when it was produced.
    const withoutStamp = ({ generatedAt: _g, ...rest }: ProductPage) => rest;
    const again = ProductPageSchema.parse((await request(cat.app).get('/products?page=2&size=50')).body);
    expect(withoutStamp(again)).toEqual(withoutStamp(ProductPageSchema.parse((await request(cat.app).get('/products?page=2&size=50')).body)));
  });

  it('a page past the end is empty but keeps the total', async () => {
    const res = await request(cat.app).get('/products?page=9&size=500').expect(200);
    expect(res.body).toEqual({ items: [], page: 9, size: 500, total: 120, generatedAt: expect.stringMatching(ISO_MILLIS) });
  });

  it('stamps every page with the time it was produced, to the millisecond, from the clock it is given', async () => {
    const stamps = ['2026-03-01T09:15:02.417Z', '2026-03-01T09:15:02.418Z'];
    let reads = 0;
    const app = createCatalogApp({ db: cat.db, logger: silentLogger, clock: () => new Date(stamps[reads++] ?? 0) });
    const first = await request(app).get('/products?page=1&size=2').expect(200);
    const second = await request(app).get('/products?page=1&size=2').expect(200);
    expect([first.body.generatedAt, second.body.generatedAt]).toEqual(stamps);
    // The system clock by default, always with three digits of milliseconds.
    const before = Date.now();
    const page = ProductPageSchema.parse((await request(cat.app).get('/products?size=1').expect(200)).body);
    expect(page.generatedAt).toMatch(ISO_MILLIS);
    expect(Date.parse(page.generatedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(page.generatedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('the page schema refuses a page without its stamp, or stamped to the second only', () => {
    const page = { items: [], page: 1, size: 1, total: 0 };
    expect(ProductPageSchema.safeParse(page).success).toBe(false);
    expect(ProductPageSchema.safeParse({ ...page, generatedAt: '2026-03-01T09:15:02Z' }).success).toBe(false);
    expect(ProductPageSchema.safeParse({ ...page, generatedAt: '2026-03-01T09:15:02.417Z' }).success).toBe(true);
  });

  it.each(['page=0', 'page=abc', 'size=0', 'size=501', 'size=1.5', 'page=-1', 'size='])('refuses %s with a 400 problem', async (query) => {
    const res = await request(cat.app).get(`/products?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:bad-parameter', status: 400 });
    expect(res.body.errors[0].path).toBe(query.split('=')[0]);
  });
});

describe('GET /products/:id', () => {
  it('answers the product with its version as a strong ETag', async () => {
    const res = await request(cat.app).get('/products/42').expect(200);
    expect(ProductSchema.parse(res.body)).toEqual(product(42));
    expect(res.body).not.toHaveProperty('generatedAt');
    expect(res.headers.etag).toBe('"1"');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    await request(cat.app).get('/products/42').set('if-none-match', '"1"').expect(304);
  });

  it('404 problem for an unknown id', async () => {
    const res = await request(cat.app).get('/products/999').expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:not-found', title: 'Not found', status: 404, detail: 'product 999 does not exist' });
  });

  it.each(['abc', '0', '1.5', '-3', '12345678901234567'])('400 problem for the id %s', async (id) => {
    const res = await request(cat.app).get(`/products/${id}`).expect(400);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:bad-parameter', status: 400 });
  });
});

describe('other paths and methods', () => {
  it('unknown path → 404 problem', async () => {
    const res = await request(cat.app).get('/nothing/here').expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:not-found', status: 404 });
    expect(typeof res.body.requestId).toBe('string');
  });

  it('a known path with the wrong method → 405 with Allow', async () => {
    const res = await request(cat.app).delete('/products/1').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    await request(cat.app).get('/products/batch').expect(405);
  });
});

describe('GET /health', () => {
  it('ok when the database answers', async () => {
    const res = await request(cat.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('503 problem when the database does not', async () => {
    const repo = createKnexProductRepository(cat.db);
    const down = createCatalogApp({ repo: { ...repo, ping: () => Promise.reject(new Error('connection refused')) }, logger: silentLogger });
    const res = await request(down).get('/health').expect(503);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:database-unavailable', status: 503 });
  });
});
