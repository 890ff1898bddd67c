import type { Random } from '../../resilience/clock';
import type { Instance } from './instance';

/** How an upstream spreads its requests over its instances. */
export type Balancing = 'p2c' | 'round-robin' | 'least-request';

/** Busyness per unit of weight: an instance of weight 2 is as busy at 2 requests as one of weight 1 at 1. */
const load = (i: Instance): number => (i.inFlight + 1) / i.weight;

/**
 * Power of two choices (Mitzenmacher): the less busy of two instances picked at random, in
 * proportion to their weights. Nearly as good as asking every instance, at the cost of two, and it
 * keeps a fleet of gateways from all herding onto the one instance that looks idlest.
 */
export function pickP2C(candidates: readonly Instance[], random: Random): Instance {
  if (candidates.length === 1) return candidates[0] as Instance;
  const a = weighted(candidates, random);
  let b = weighted(candidates, random);
  for (let tries = 0; b === a && tries < 4; tries++) b = weighted(candidates, random);
  return load(b) < load(a) ? b : a;
}

/** The least busy instance (ties: the first). */
export function pickLeast(candidates: readonly Instance[]): Instance {
  let best = candidates[0] as Instance;
  for (const c of candidates) if (load(c) < load(best)) best = c;
  return best;
}

/**
 * Smooth weighted round robin (nginx's): each pick adds every candidate's weight to its current
 * score, takes the highest, and takes the total off it, so that weights 5:1:1 give a a b a c a a,
 * not a a a a a b c.
 */
export class RoundRobin {
  private readonly scores = new Map<Instance, number>();

  pick(candidates: readonly Instance[]): Instance {
    let best: Instance | null = null;
    let bestScore = -Infinity;
    let total = 0;
    for (const c of candidates) {
      const score = (this.scores.get(c) ?? 0) + c.weight;
      this.scores.set(c, score);
      total += c.weight;
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    this.scores.set(best as Instance, bestScore - total);
    return best as Instance;
  }

  forget(instance: Instance): void {
    this.scores.delete(instance);
  }
}

function weighted(candidates: readonly Instance[], random: Random): Instance {
  let total = 0;
  for (const c of candidates) total += c.weight;
  let point = random() * total;
  for (const c of candidates) {
    point -= c.weight;
    if (point < 0) return c;
  }
  return candidates[candidates.length - 1] as Instance;
}
