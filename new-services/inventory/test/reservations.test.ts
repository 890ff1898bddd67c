import request from 'supertest';
import { ReservationSchema } from '../src/index';
import { inventoryFixture, stock, type InventoryFixture } from './kit/inventory';

let f: InventoryFixture;
beforeEach(async () => {
  f = await inventoryFixture([stock(1, 10, 2), stock(2, 3)]);
});
afterEach(() => f.close());

const level = async (productId: number) => (await request(f.app).get(`/inventory/${productId}`)).body as { onHand: number; reserved: number; available: number };

describe('reserve', () => {
  it('holds units: 201 with the reservation, reserved grows and available shrinks', async () => {
    const res = await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 3 });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/reservations/s1%3A1');
    expect(ReservationSchema.parse(res.body)).toEqual({
      id: 's1:1', productId: 1, quantity: 3, state: 'held',
      expiresAt: '2025-03-01T10:01:00.000Z', createdAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(await level(1)).toMatchObject({ onHand: 10, reserved: 5, available: 5 });
  });

  it('is idempotent by id: the same request again is 200 with the same reservation and holds nothing more', async () => {
    const first = await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 3 });
    f.clock.advance(1000);
    const again = await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 3 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await level(1)).toMatchObject({ reserved: 5, available: 5 });
  });

  it('the same id for another request is refused', async () => {
    await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 3 }).expect(201);
    const res = await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 4 });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:strangler:problem:reservation-id-reused');
  });

  it('more than available is 409 out-of-stock naming the product and what is left; nothing is held', async () => {
    const before = await f.snapshot();
    const res = await request(f.app).put('/reservations/s1:1').send({ productId: 1, quantity: 9 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:out-of-stock', productId: 1, requested: 9, available: 8 });
    expect(await f.snapshot()).toEqual(before);
  });

  it('an unknown product is 404; a bad body lists every field', async () => {
    expect((await request(f.app).put('/reservations/x').send({ productId: 77, quantity: 1 })).status).toBe(404);
    const bad = await request(f.app).put('/reservations/x').send({ productId: 0, quantity: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['productId', 'quantity']);
    expect((await request(f.app).put('/reservations/has%20space').send({ productId: 1, quantity: 1 })).status).toBe(400);
  });
});

describe('commit and release', () => {
  it('commit takes the units out of stock for good; a repeat is a no-op', async () => {
    await request(f.app).put('/reservations/c:1').send({ productId: 1, quantity: 3 }).expect(201);
    const res = await request(f.app).post('/reservations/c:1/commit');
    expect(res.body).toMatchObject({ state: 'committed' });
    expect(await level(1)).toMatchObject({ onHand: 7, reserved: 2, available: 5 });
    await request(f.app).post('/reservations/c:1/commit').expect(200);
    expect(await level(1)).toMatchObject({ onHand: 7, reserved: 2, available: 5 });
    // A committed reservation cannot be released.
    expect((await request(f.app).post('/reservations/c:1/release')).status).toBe(409);
  });

  it('release gives the units back; a repeat is a no-op; it cannot be committed afterwards', async () => {
    await request(f.app).put('/reservations/r:1').send({ productId: 2, quantity: 3 }).expect(201);
    expect(await level(2)).toMatchObject({ available: 0 });
    expect((await request(f.app).post('/reservations/r:1/release')).body).toMatchObject({ state: 'released' });
    await request(f.app).post('/reservations/r:1/release').expect(200);
    expect(await level(2)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect((await request(f.app).post('/reservations/r:1/commit')).body).toMatchObject({ type: 'urn:strangler:problem:reservation-state', state: 'released' });
  });

  it('a release before any reserve leaves a tombstone: the late reserve holds nothing', async () => {
    expect((await request(f.app).post('/reservations/late:1/release')).body).toMatchObject({ id: 'late:1', productId: null, state: 'released' });
    const late = await request(f.app).put('/reservations/late:1').send({ productId: 2, quantity: 1 });
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('urn:strangler:problem:reservation-state');
    expect(await level(2)).toMatchObject({ available: 3 });
  });

  it('commit of an unknown reservation is 404', async () => {
    expect((await request(f.app).post('/reservations/nope/commit')).status).toBe(404);
  });

  it('a shadow copy of reserve, commit or release answers as if done and changes nothing', async () => {
    await request(f.app).put('/reservations/h:1').send({ productId: 1, quantity: 1 }).expect(201);
    const before = await f.snapshot();
    const shadow = (r: request.Test) => r.set('x-strangler-shadow', '1');
    expect((await shadow(request(f.app).put('/reservations/h:2')).send({ productId: 1, quantity: 2 })).status).toBe(201);
    expect((await shadow(request(f.app).put('/reservations/h:3')).send({ productId: 1, quantity: 99 })).status).toBe(409);
    expect((await shadow(request(f.app).post('/reservations/h:1/commit'))).body.state).toBe('committed');
    expect((await shadow(request(f.app).post('/reservations/h:1/release'))).body.state).toBe('released');
    expect(await f.snapshot()).toEqual(before);
  });
});

describe('expiry after the TTL (injected clock)', () => {
  it('an abandoned reservation frees its units once its TTL has passed, not before', async () => {
    await request(f.app).put('/reservations/e:1').send({ productId: 2, quantity: 3, ttlSeconds: 30 }).expect(201);
    f.clock.advance(29_999);
    expect(await f.sweep.runOnce()).toBe(0);
    expect(await level(2)).toMatchObject({ available: 0 });
    f.clock.advance(1);
    expect(await f.sweep.runOnce()).toBe(1);
    expect(await level(2)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect((await request(f.app).get('/reservations/e:1')).body).toMatchObject({ state: 'expired', updatedAt: '2025-03-01T10:00:30.000Z' });
    // Expired is final for the id: it neither holds again nor releases anything twice.
    expect((await request(f.app).put('/reservations/e:1').send({ productId: 2, quantity: 3 })).status).toBe(409);
    await request(f.app).post('/reservations/e:1/release').expect(200);
    expect(await level(2)).toMatchObject({ available: 3 });
  });

  it('a reserve does not wait for the sweep: overdue holds on its product are expired first', async () => {
    await request(f.app).put('/reservations/old').send({ productId: 2, quantity: 3 }).expect(201);
    f.clock.advance(60_000);
    expect((await request(f.app).put('/reservations/new').send({ productId: 2, quantity: 3 })).status).toBe(201);
    expect((await request(f.app).get('/reservations/old')).body.state).toBe('expired');
    expect(await level(2)).toMatchObject({ reserved: 3, available: 0 });
  });

  it('a commit that arrives after expiry takes the units again while they are there, else is refused', async () => {
    await request(f.app).put('/reservations/x:1').send({ productId: 2, quantity: 2 }).expect(201);
    await request(f.app).put('/reservations/x:2').send({ productId: 2, quantity: 1 }).expect(201);
    f.clock.advance(61_000);
    await f.sweep.runOnce();
    expect((await request(f.app).post('/reservations/x:1/commit')).body.state).toBe('committed');
    expect(await level(2)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    await request(f.app).put('/reservations/y').send({ productId: 2, quantity: 1 }).expect(201);
    const refused = await request(f.app).post('/reservations/x:2/commit');
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:strangler:problem:out-of-stock');
  });
});
