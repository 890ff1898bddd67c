import { pickLeast, pickP2C, RoundRobin } from '../../../src/forwarding/instances/balancer';
import { Instance } from '../../../src/forwarding/instances/instance';
import { NO_POOL } from './kit';

const instance = (name: string, weight = 1, inFlight = 0): Instance => {
  const i = new Instance(name, { protocol: 'http:', hostname: '127.0.0.1', port: 1, origin: 'http://127.0.0.1:1' }, weight, NO_POOL);
  i.inFlight = inFlight;
  return i;
};

/** A seeded generator, so that the spread is the same on every run. */
function seeded(seed = 42): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

describe('balancing', () => {
  it('p2c takes the less busy of the two it draws', () => {
    const idle = instance('idle');
    const busy = instance('busy', 1, 10);
    const picks = Array.from({ length: 200 }, () => pickP2C([busy, idle], seeded(), 0));
    expect(picks.every((p) => p === idle)).toBe(true);
  });

  it('p2c spreads evenly loaded instances in proportion to their weights', () => {
    const random = seeded(7);
    const heavy = instance('heavy', 3);
    const light = instance('light', 1);
    const counts = new Map([[heavy, 0], [light, 0]]);
    for (let i = 0; i < 4_000; i++) {
      const p = pickP2C([heavy, light], random, 0);
      counts.set(p, counts.get(p)! + 1);
      // Each pick is one request in flight for a moment: the busier side is the one p2c avoids.
      p.inFlight += 1;
      if (i % 2 === 1) {
        heavy.inFlight = 0;
        light.inFlight = 0;
      }
    }
    expect(counts.get(heavy)! / counts.get(light)!).toBeGreaterThan(2);
  });

  it('p2c sends nothing to an idle instance that answers slowly while an idle fast one is there, and tries it again once its latency has faded', () => {
    const fast = instance('fast');
    const slow = instance('slow');
    fast.observed(1, 0);
    slow.observed(20, 0);
    const random = seeded(3);
    expect(Array.from({ length: 200 }, () => pickP2C([fast, slow], random, 10)).every((p) => p === fast)).toBe(true);
    // A minute without answers: what was learned of it has faded, and it gets a request to learn again.
    expect(Array.from({ length: 200 }, () => pickP2C([fast, slow], random, 60_000)).some((p) => p === slow)).toBe(true);
  });

  it('p2c forgets one slow answer of a busy fast instance within a few answers, but not an instance slow every time', () => {
    const fast = instance('fast');
    const slow = instance('slow');
    slow.observed(20, 0);
    for (let t = 0; t < 50; t++) fast.observed(1, t);
    fast.observed(30, 50); // one hiccup
    for (let t = 51; t < 61; t++) fast.observed(1, t);
    const random = seeded(5);
    expect(Array.from({ length: 200 }, () => pickP2C([fast, slow], random, 61)).every((p) => p === fast)).toBe(true);
  });

  it('round robin interleaves by weight (smooth): 5:1:1 gives a a b a c a a', () => {
    const [a, b, c] = [instance('a', 5), instance('b'), instance('c')];
    const rr = new RoundRobin();
    expect(Array.from({ length: 7 }, () => rr.pick([a!, b!, c!]).key).join(' ')).toBe('a a b a c a a');
  });

  it('least-request takes the least busy per unit of weight', () => {
    expect(pickLeast([instance('a', 1, 3), instance('b', 2, 3), instance('c', 1, 2)]).key).toBe('b');
  });
});
