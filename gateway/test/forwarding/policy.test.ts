import { wrap, type Policy } from '../../src/forwarding/policy';
import { answered, callFor, exchangeFor, oneRoute, planFor } from './kit';

describe('wrap', () => {
  it('runs the policies outermost first around the terminal step, and the outcome back out in reverse', async () => {
    const { table, route } = oneRoute();
    const order: string[] = [];
    const named = (name: string): Policy => ({
      run(call, next, done) {
        order.push(`${name} in`);
        next(call, (outcome) => {
          order.push(`${name} out`);
          done(outcome);
        });
      },
    });
    const step = wrap([named('a'), named('b')], (_call, done) => {
      order.push('try');
      done(answered(200));
    });
    const call = callFor(exchangeFor(table, route, route.new!).x, planFor(route, route.new!));
    await new Promise((resolve) => step(call, resolve));
    expect(order).toEqual(['a in', 'b in', 'try', 'b out', 'a out']);
  });
});
