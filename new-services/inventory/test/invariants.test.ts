import request from 'supertest';
import { inventoryFixture, stock } from './kit/inventory';
import { raceForTheLastUnits } from './concurrency';

describe('available never goes below zero (SQLite)', () => {
  it('50 parallel reservations for 10 units: exactly 10 held, 40 refused, available 0', async () => {
    const f = await inventoryFixture([stock(7, 12, 2)]);
    try {
      expect(await raceForTheLastUnits(f, 7)).toEqual({ held: 10, refused: 40, other: [] });
      expect((await request(f.app).get('/inventory/7')).body).toMatchObject({ onHand: 12, reserved: 12, available: 0 });
    } finally {
      await f.close();
    }
  });
});
