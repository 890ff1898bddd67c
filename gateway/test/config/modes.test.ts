import { RouteTableError } from '../../src/config/errors';
import { checkPercent } from '../../src/config/modes';
import { tableFor } from '../kit/gateway';

/** A canary percent: 0 < p < 100 with two decimals at most, the one rule of routes.json and the control plane. */
describe('checkPercent', () => {
  it.each([[0], [100], [-1], [100.01], [150], [0.001], [12.345], [99.999], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %p', (percent) => {
    expect(checkPercent(percent)).not.toBeNull();
  });

  it.each([[0.01], [0.5], [1], [10], [12.5], [33.33], [50], [99.99], [0.07], [1.1], [4.35], [57.01]])('accepts %p', (percent) => {
    expect(checkPercent(percent)).toBeNull();
  });

  it('every percentage with two decimals from 0.01 to 99.99 is accepted', () => {
    const refused: number[] = [];
    for (let hundredths = 1; hundredths < 10_000; hundredths++) {
      const percent = hundredths / 100;
      if (checkPercent(percent) !== null) refused.push(percent);
    }
    // Floating point: 1.1 * 100 is 110.00000000000001, so a check by `Math.round(p * 100) !== p * 100` refuses valid values.
    expect({ refused: refused.length, firstRefused: refused.slice(0, 8) }).toEqual({ refused: 0, firstRefused: [] });
  });

  it('routes.json accepts a canary percent such as 1.1 (same rule as the control plane)', () => {
    const load = () =>
      tableFor({ legacy: 'http://127.0.0.1:1', fresh: 'http://127.0.0.1:2' }, [
        { id: 'products', path: '/api/products/*', mode: 'canary', canary: { percent: 1.1 }, legacy: { upstream: 'legacy' }, new: { upstream: 'fresh' } },
      ]);
    let problem: string | null = null;
    try {
      load();
    } catch (e) {
      problem = e instanceof RouteTableError ? e.message : String(e);
    }
    expect(problem).toBeNull();
  });
});
