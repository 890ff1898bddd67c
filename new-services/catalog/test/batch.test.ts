import request from 'supertest';
import { ProductBatchResultSchema } from '../src/index';
import { countProducts, memoryCatalog, product, PROBLEM_JSON, type MemoryCatalog } from './kit';

let cat: MemoryCatalog;
beforeEach(async () => {
  cat = await memoryCatalog();
});
afterEach(() => cat.close());

const batch = (items: object[]) => request(cat.app).post('/products/batch').send({ items });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => product(from + i));

describe('POST /products/batch', () => {
  it('reports inserted, updated and unchanged, and only changed rows get a new version', async () => {
    const first = await batch(range(1, 300)).expect(200);
    expect(ProductBatchResultSchema.parse(first.body)).toEqual({ inserted: 300, updated: 0, unchanged: 0 });

    const next = [...range(1, 300).map((p) => (p.id % 10 === 0 ? { ...p, name: `${p.name} (new)` } : p)), ...range(301, 310)];
    const second = await batch(next).expect(200);
    expect(second.body).toEqual({ inserted: 10, updated: 30, unchanged: 270 });

    expect((await request(cat.app).get('/products/10')).headers.etag).toBe('"2"');
    expect((await request(cat.app).get('/products/11')).headers.etag).toBe('"1"');
    expect((await request(cat.app).get('/products/10')).body.name).toBe('Product 10 (new)');
    expect(await countProducts(cat.db)).toBe(310);
  });

  it('is idempotent: the same batch twice changes nothing the second time', async () => {
    await batch(range(1, 50)).expect(200);
    const before = await cat.db('products').orderBy('id');
    const again = await batch(range(1, 50)).expect(200);
    expect(again.body).toEqual({ inserted: 0, updated: 0, unchanged: 50 });
    expect(await cat.db('products').orderBy('id')).toEqual(before);
  });

  it('refuses repeated ids with 400, naming each repeat, and writes nothing', async () => {
    const res = await batch([product(1), product(2), product(1), product(2, { name: 'other' })]).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.errors).toEqual([
      { path: 'items[2].id', message: 'duplicates items[0].id (1); ids must be unique within a batch' },
      { path: 'items[3].id', message: 'duplicates items[1].id (2); ids must be unique within a batch' },
    ]);
    expect(await countProducts(cat.db)).toBe(0);
  });

  it('is all or nothing: a sku clash rolls back the whole batch (409)', async () => {
    await batch([product(1)]).expect(200);
    const res = await batch([product(2), product(3, { sku: product(1).sku })]).expect(409);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:duplicate-sku', status: 409 });
    expect(await countProducts(cat.db)).toBe(1);
  });

  it('refuses an empty batch and more than 1000 items', async () => {
    await batch([]).expect(400);
    await batch(range(1, 1001)).expect(400);
  });

  it('takes a full batch of 1000', async () => {
    const res = await batch(range(1, 1000)).expect(200);
    expect(res.body).toEqual({ inserted: 1000, updated: 0, unchanged: 0 });
    const page = await request(cat.app).get('/products?page=2&size=500').expect(200);
    expect(page.body.items.at(-1).id).toBe(1000);
  });
});
