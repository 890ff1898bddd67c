import request from 'supertest';
import { memoryCatalog, product, PROBLEM_JSON, writeBody, type MemoryCatalog } from './kit';

let cat: MemoryCatalog;
beforeAll(async () => {
  cat = await memoryCatalog();
});
afterAll(() => cat.close());

describe('request bodies that do not fit the contract', () => {
  it('lists every field error with its path at once', async () => {
    const body = {
      sku: '',
      name: 42,
      price: { amount: 12.5, currency: 'euro' },
      status: 'sold-out',
      updatedAt: 'yesterday',
      colour: 'red',
    };
    const res = await request(cat.app).put('/products/1').send(body).expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:validation-failed', title: 'Request does not match the contract', status: 400 });
    const paths = [...new Set((res.body.errors as Array<{ path: string; message: string }>).map((e) => e.path))].sort();
    expect(paths).toEqual(['colour', 'description', 'name', 'price.amount', 'price.currency', 'sku', 'status', 'updatedAt']);
    const amount = (res.body.errors as Array<{ path: string; message: string }>).find((e) => e.path === 'price.amount');
    expect(amount?.message).toBe('must be an integer number of minor units');
  });

  it('paths inside a batch carry the item index', async () => {
    const bad = { ...product(2), price: { amount: -1, currency: 'EUR' } };
    const res = await request(cat.app).post('/products/batch').send({ items: [product(1), bad] }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['items[1].price.amount']);
  });

  it('invalid JSON → 400 problem', async () => {
    const res = await request(cat.app).put('/products/1').set('content-type', 'application/json').send('{"sku": ').expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:invalid-json', status: 400 });
  });

  it('a JSON body that is not an object → 400 at the body path', async () => {
    const res = await request(cat.app).put('/products/1').send([writeBody(product(1))]).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '(body)' })]);
  });

  it('a body that is not JSON → 415 problem', async () => {
    const res = await request(cat.app).put('/products/1').set('content-type', 'text/plain').send('hello').expect(415);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
  });

  it('a body over 5 MB → 413 problem', async () => {
    const huge = JSON.stringify({ ...writeBody(product(1)), description: 'x'.repeat(5 * 1024 * 1024 + 10) });
    const res = await request(cat.app).put('/products/1').set('content-type', 'application/json').send(huge).expect(413);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:payload-too-large', status: 413 });
  });

  it('a body just under 5 MB is read (and then judged by the contract)', async () => {
    const big = JSON.stringify({ ...writeBody(product(1)), description: 'x'.repeat(4 * 1024 * 1024) });
    const res = await request(cat.app).put('/products/1').set('content-type', 'application/json').send(big).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['description']);
  });
});
