import request from 'supertest';
import { countProducts, memoryCatalog, product, writeBody, type MemoryCatalog } from './kit';

/**
 * The gateway's shadow mode mirrors writes with `x-strangler-shadow: 1`; legacy already served the
 * real request, so the catalog must answer as if it wrote, and write nothing.
 */
let cat: MemoryCatalog;
beforeEach(async () => {
  cat = await memoryCatalog();
  await request(cat.app).put('/products/1').send(writeBody(product(1))).expect(201);
});
afterEach(() => cat.close());

const snapshot = () => cat.db('products').orderBy('id');

describe('x-strangler-shadow: 1', () => {
  it('PUT of a new product answers 201 with version 1 but creates nothing', async () => {
    const before = await snapshot();
    const res = await request(cat.app).put('/products/2').set('x-strangler-shadow', '1').send(writeBody(product(2))).expect(201);
    expect(res.body).toEqual(product(2));
    expect(res.headers.etag).toBe('"1"');
    expect(await snapshot()).toEqual(before);
    await request(cat.app).get('/products/2').expect(404);
  });

  it('PUT of a change answers 200 with the next version but changes nothing', async () => {
    const before = await snapshot();
    const res = await request(cat.app).put('/products/1').set('x-strangler-shadow', '1').send(writeBody(product(1, { name: 'shadowed' }))).expect(200);
    expect(res.body.name).toBe('shadowed');
    expect(res.headers.etag).toBe('"2"');
    expect(await snapshot()).toEqual(before);
  });

  it('still validates and still checks preconditions', async () => {
    await request(cat.app).put('/products/1').set('x-strangler-shadow', '1').send({ sku: '' }).expect(400);
    await request(cat.app).put('/products/1').set('x-strangler-shadow', '1').set('if-match', '"9"').send(writeBody(product(1))).expect(412);
  });

  it('POST batch answers the counts it would have had but writes nothing', async () => {
    const before = await snapshot();
    const items = [product(1, { name: 'changed' }), product(2), product(3)];
    const res = await request(cat.app).post('/products/batch').set('x-strangler-shadow', '1').send({ items }).expect(200);
    expect(res.body).toEqual({ inserted: 2, updated: 1, unchanged: 0 });
    expect(await snapshot()).toEqual(before);
    expect(await countProducts(cat.db)).toBe(1);
  });

  it('without the marker (or with "0") the same requests do write', async () => {
    await request(cat.app).put('/products/2').set('x-strangler-shadow', '0').send(writeBody(product(2))).expect(201);
    await request(cat.app).post('/products/batch').send({ items: [product(3)] }).expect(200);
    expect(await countProducts(cat.db)).toBe(3);
  });
});
