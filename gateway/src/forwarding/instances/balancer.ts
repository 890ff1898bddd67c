import type { Random } from '../../resilience/clock';
import type { Instance } from './instance';

/** How an upstream spreads its requests over its instances. */
export type Balancing = 'p2c' | 'round-robin' | 'least-request';

/** Busyness per unit of weight: an instance of weight 2 is as busy at 2 requests as one of weight 1 at 1. */
const load = (i: Instance): number => (i.inFlight + 1) / i.weight;

/**
 * Power of two choices (Mitzenmacher): of two instances drawn at random (in proportion to their
 * weights), the one with the lower cost. The cost is its in-flight requests per unit of weight,
 * times its recent latency (Finagle's P2C with peak EWMA): on in-flight counts alone, an idle
 * slow instance ties with an idle fast one and keeps getting a share that a p99 shows, while the
 * latency factor lets an idle slow instance lose to an idle fast one. Nearly as good as asking
 * every instance, at the cost of two, and a fleet of gateways does not herd onto one instance.
 */
export function pickP2C(candidates: readonly Instance[], random: Random, now: number): Instance {
  if (candidates.length === 1) return candidates[0] as Instance;
  const a = weighted(candidates, random, null);
  const b = weighted(candidates, random, a);
  return cost(b, now) < cost(a, now) ? b : a;
}

/** One millisecond at least, so that an instance never measured yet is judged on its in-flight count. */
const cost = (i: Instance, now: number): number => load(i) * Math.max(1, i.recentLatency(now));

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

/** One candidate drawn in proportion to its weight, leaving `except` out (the first of the two). */
function weighted(candidates: readonly Instance[], random: Random, except: Instance | null): Instance {
  let total = 0;
  for (const c of candidates) if (c !== except) total += c.weight;
  let point = random() * total;
  let last = candidates[0] as Instance;
  for (const c of candidates) {
    if (c === except) continue;
    last = c;
    point -= c.weight;
    if (point < 0) return c;
  }
  return last;
}
