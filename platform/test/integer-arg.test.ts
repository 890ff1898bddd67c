import { integerArg } from '../index';

describe('integerArg', () => {
  const port = integerArg('CATALOG_PORT', 0, 65535);

  it.each([['0', 0], ['4001', 4001], ['65535', 65535]])('reads %s', (raw, value) => {
    expect(port(raw)).toBe(value);
  });

  it.each(['', '-1', '65536', '1e3', '80 ', 'abc', '4.5'])('refuses %p, naming what it refused', (raw) => {
    expect(() => port(raw)).toThrow('CATALOG_PORT must be an integer between 0 and 65535');
  });
});
