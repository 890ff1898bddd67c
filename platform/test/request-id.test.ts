import { requestIdFrom } from '../index';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom: the one request-id rule', () => {
  it.each(['abc-123', 'req_1.2:3', 'A'.repeat(128), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'])('keeps %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['129 characters', 'A'.repeat(129)],
    ['a space', 'two words'],
    ['a quote', 'a"b'],
    ['a line break (log injection)', 'id\n{"level":"error"}'],
    ['non-ASCII', 'café'],
    ['repeated header', ['a', 'b']],
  ])('replaces %s with a random UUID', (_what, header) => {
    const id = requestIdFrom(header);
    expect(id).toMatch(UUID);
    expect(requestIdFrom(header)).not.toBe(id);
  });
});
