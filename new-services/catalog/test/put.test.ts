import request from 'supertest';
import { memoryCatalog, product, PROBLEM_JSON, writeBody, type MemoryCatalog } from './kit';

let cat: MemoryCatalog;
beforeEach(async () => {
  cat = await memoryCatalog();
});
afterEach(() => cat.close());

const put = (id: number | string, body: object) => request(cat.app).put(`/products/${id}`).send(body);

describe('PUT /products/:id', () => {
  it('creates (201, version 1), updates (200, version 2), and an identical PUT is unchanged (200, still 2)', async () => {
    const created = await put(5, writeBody(product(5))).expect(201);
    expect(created.body).toEqual(product(5));
    expect(created.headers.etag).toBe('"1"');

    const changed = product(5, { name: 'Renamed', price: { amount: 1999, currency: 'EUR' } });
    const updated = await put(5, writeBody(changed)).expect(200);
    expect(updated.body).toEqual(changed);
    expect(updated.headers.etag).toBe('"2"');

    const same = await put(5, writeBody(changed)).expect(200);
    expect(same.headers.etag).toBe('"2"');
    const read = await request(cat.app).get('/products/5').expect(200);
    expect(read.body).toEqual(changed);
    expect(read.headers.etag).toBe('"2"');
  });

  it('the same instant written with milliseconds counts as unchanged', async () => {
    await put(6, writeBody(product(6))).expect(201);
    const res = await put(6, writeBody(product(6, { updatedAt: '2024-05-06T07:08:09.000Z' }))).expect(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body.updatedAt).toBe('2024-05-06T07:08:09Z');
  });

  it('accepts a body id equal to the path id', async () => {
    await put(7, product(7)).expect(201);
  });

  it('refuses a body id that differs from the path id with 400 naming the field', async () => {
    const res = await put(8, product(9)).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.errors).toEqual([{ path: 'id', message: 'must equal the id in the path (8)' }]);
    await request(cat.app).get('/products/8').expect(404);
  });

  it('400 for a non-numeric path id', async () => {
    await put('abc', writeBody(product(1))).expect(400);
  });

  it('409 when the sku already belongs to another product', async () => {
    await put(1, writeBody(product(1))).expect(201);
    const res = await put(2, writeBody(product(2, { sku: product(1).sku }))).expect(409);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:duplicate-sku', status: 409 });
  });
});

describe('conditional PUT', () => {
  beforeEach(async () => {
    await put(10, writeBody(product(10))).expect(201);
    await put(10, writeBody(product(10, { name: 'v2' }))).expect(200);
  });

  it('If-Match with the current version writes', async () => {
    const res = await put(10, writeBody(product(10, { name: 'v3' }))).set('if-match', '"2"').expect(200);
    expect(res.headers.etag).toBe('"3"');
  });

  it('a stale If-Match → 412 and nothing changes', async () => {
    const res = await put(10, writeBody(product(10, { name: 'lost update' }))).set('if-match', '"1"').expect(412);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:precondition-failed', status: 412 });
    const read = await request(cat.app).get('/products/10');
    expect(read.body.name).toBe('v2');
    expect(read.headers.etag).toBe('"2"');
  });

  it('If-Match lists and * are honoured; weak tags never match', async () => {
    await put(10, writeBody(product(10, { name: 'v3' }))).set('if-match', '"7", "2"').expect(200);
    await put(10, writeBody(product(10, { name: 'v4' }))).set('if-match', '*').expect(200);
    await put(10, writeBody(product(10, { name: 'v5' }))).set('if-match', 'W/"4"').expect(412);
  });

  it('If-Match on a missing product → 412 and nothing is created', async () => {
    await put(11, writeBody(product(11))).set('if-match', '"1"').expect(412);
    await put(11, writeBody(product(11))).set('if-match', '*').expect(412);
    await request(cat.app).get('/products/11').expect(404);
  });

  it('If-None-Match: * creates a new product but refuses an existing one with 412', async () => {
    await put(12, writeBody(product(12))).set('if-none-match', '*').expect(201);
    await put(10, writeBody(product(10, { name: 'overwrite' }))).set('if-none-match', '*').expect(412);
    expect((await request(cat.app).get('/products/10')).body.name).toBe('v2');
  });
});
