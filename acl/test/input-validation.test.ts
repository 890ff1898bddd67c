import { AclInputError, AclOutputError, loadMapping } from '../index';
import { NOW, rejection } from './kit';

describe('orders/create-to-legacy input', () => {
  const mapping = loadMapping('orders/create-to-legacy');

  it('lists every field error of a client body with its path, before the mapping runs', async () => {
    const err = await rejection(mapping.evaluate({ customerId: 'x', lines: [{ productId: 1, quantity: 0 }, { quantity: 2, extra: true }] }, { now: NOW }));
    expect(err).toBeInstanceOf(AclInputError);
    const { issues, status } = err as AclInputError;
    expect(status).toBe(400);
    expect(issues.map((i) => i.path)).toEqual(['customerId', 'lines[0].quantity', 'lines[1].productId', 'lines[1].extra']);
    expect((err as Error).message).toContain('lines[0].quantity: ');
  });

  it('refuses what the contract allows but the monolith cannot take, naming the legacy field', async () => {
    const err = await rejection(mapping.evaluate({ customerId: 1, lines: [{ productId: 1, quantity: 10_000 }] }, { now: NOW }));
    expect(err).toBeInstanceOf(AclOutputError);
    expect((err as AclOutputError).issues).toEqual([{ path: 'LINES[0].ORD_LN_QTY', message: expect.any(String) }]);
  });
});
