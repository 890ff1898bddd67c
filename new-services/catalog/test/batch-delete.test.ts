import request from 'supertest';
import { BatchDeleteResultSchema, ProductBatchDeleteSchema, createKnexProductRepository } from '../src/index';
import { countProducts, memoryCatalog, product, PROBLEM_JSON, type MemoryCatalog } from './kit';

let cat: MemoryCatalog;
beforeEach(async () => {
  cat = await memoryCatalog();
  await request(cat.app).post('/products/batch').send({ items: [1, 2, 3, 4, 5].map((id) => product(id)) }).expect(200);
});
afterEach(() => cat.close());

const del = (body: unknown) => request(cat.app).post('/products/batch-delete').send(body as object);
const ids = async () => ((await cat.db('products').select('id').orderBy('id')) as Array<{ id: number }>).map((r) => Number(r.id));

describe('POST /products/batch-delete', () => {
  it('deletes existing products and counts them', async () => {
    const res = await del({ ids: [2, 4] }).expect(200);
    expect(BatchDeleteResultSchema.parse(res.body)).toEqual({ deleted: 2, missing: 0 });
    expect(await ids()).toEqual([1, 3, 5]);
    await request(cat.app).get('/products/2').expect(404);
  });

  it('counts ids with no product as missing and deletes nothing for them', async () => {
    expect((await del({ ids: [100, 101] }).expect(200)).body).toEqual({ deleted: 0, missing: 2 });
    expect(await countProducts(cat.db)).toBe(5);
  });

  it('a mixed list deletes what exists; re-running it reports everything missing', async () => {
    expect((await del({ ids: [5, 99, 1] }).expect(200)).body).toEqual({ deleted: 2, missing: 1 });
    expect(await ids()).toEqual([2, 3, 4]);
    expect((await del({ ids: [5, 99, 1] }).expect(200)).body).toEqual({ deleted: 0, missing: 3 });
  });

  it('refuses repeated ids with 400 naming each repeat, and deletes nothing', async () => {
    const res = await del({ ids: [1, 2, 1, 3, 2] }).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:validation-failed', status: 400 });
    expect(res.body.errors).toEqual([
      { path: 'ids[2]', message: 'duplicates ids[0] (1); ids must be unique within a batch' },
      { path: 'ids[4]', message: 'duplicates ids[1] (2); ids must be unique within a batch' },
    ]);
    expect(await countProducts(cat.db)).toBe(5);
  });

  it('lists every field error: bad ids, unknown keys, empty and oversized lists', async () => {
    const res = await del({ ids: [0, 'x', 1.5], extra: true }).expect(400);
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['ids[0]', 'ids[1]', 'ids[2]', 'extra']);
    await del({ ids: [] }).expect(400);
    await del({ ids: Array.from({ length: 1001 }, (_, i) => i + 1) }).expect(400);
    await del({}).expect(400);
    expect(await countProducts(cat.db)).toBe(5);
  });

  it('takes 1000 ids in one request', async () => {
    const res = await del({ ids: Array.from({ length: 1000 }, (_, i) => i + 1) }).expect(200);
    expect(res.body).toEqual({ deleted: 5, missing: 995 });
    expect(await countProducts(cat.db)).toBe(0);
  });

  it('with x-strangler-shadow answers the counts it would have had but deletes nothing', async () => {
    const before = await cat.db('products').orderBy('id');
    const res = await del({ ids: [1, 2, 42] }).set('x-strangler-shadow', '1').expect(200);
    expect(res.body).toEqual({ deleted: 2, missing: 1 });
    expect(await cat.db('products').orderBy('id')).toEqual(before);
    await del({ ids: [1, 1] }).set('x-strangler-shadow', '1').expect(400);
    expect((await del({ ids: [1] }).set('x-strangler-shadow', '0').expect(200)).body).toEqual({ deleted: 1, missing: 0 });
  });

  it('answers 405 with Allow for other methods', async () => {
    const res = await request(cat.app).get('/products/batch-delete').expect(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('the published schema refuses repeats too, and the repository refuses them on its own', async () => {
    expect(ProductBatchDeleteSchema.safeParse({ ids: [3, 3] }).success).toBe(false);
    await expect(createKnexProductRepository(cat.db).deleteBatch([3, 3])).rejects.toThrow(/repeated: 3/);
    expect(await countProducts(cat.db)).toBe(5);
  });
});
