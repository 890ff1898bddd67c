import request from 'supertest';
import { importedOrder, FIXED_ISO, ordersFixture, type OrdersFixture } from './kit/orders';

describe('POST /orders/:id/status', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
    await request(f.app).post('/orders/batch').send({ items: [importedOrder(1, { status: 'new' }), importedOrder(2, { status: 'shipped' })] }).expect(200);
  });
  afterEach(() => f.close());

  const change = (id: number | string, body: object) => request(f.app).post(`/orders/${id}/status`).send(body);

  it('walks new → paid → shipped, stamping updatedAt', async () => {
    const paid = await change(1, { status: 'paid' });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ ...importedOrder(1), status: 'paid', updatedAt: FIXED_ISO });
    expect((await change(1, { status: 'shipped' })).body.status).toBe('shipped');
    expect((await request(f.app).get('/orders/1')).body.status).toBe('shipped');
  });

  it('refuses an illegal step with 409 naming the allowed next steps', async () => {
    const res = await change(1, { status: 'shipped' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:strangler:problem:illegal-status-transition',
      from: 'new',
      to: 'shipped',
      allowed: ['paid', 'cancelled'],
    });
    expect(res.body.detail).toBe('an order cannot go from new to shipped; allowed next steps: paid, cancelled');
    expect((await request(f.app).get('/orders/1')).body.status).toBe('new');
  });

  it('says so when the status is final', async () => {
    const res = await change(2, { status: 'cancelled' });
    expect(res.status).toBe(409);
    expect(res.body.allowed).toEqual([]);
    expect(res.body.detail).toContain('none (shipped is final)');
  });

  it('refuses a step to the same status', async () => {
    expect((await change(1, { status: 'new' })).status).toBe(409);
  });

  it('400 on an unknown status or a bad id, 404 on a missing order', async () => {
    const bad = await change(1, { status: 'lost', extra: 1 });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual(['', 'status']);
    expect((await change('abc', { status: 'paid' })).status).toBe(400);
    const missing = await change(99, { status: 'paid' });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('urn:strangler:problem:order-not-found');
  });
});
