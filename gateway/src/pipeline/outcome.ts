import type { Exchange } from './exchange';

/**
 * How one canary request ended, for the rollout's analysis: which side the canary sent it to, its
 * status, its time, and whether new failed it and legacy answered instead (a fallback still
 * counts against new: the client was rescued, the new side was not right).
 */
export interface CanaryOutcome {
  readonly routeId: string;
  readonly side: 'legacy' | 'new';
  readonly status: number;
  readonly ms: number;
  readonly fellBack: boolean;
}

export type CanaryOutcomeSink = (outcome: CanaryOutcome) => void;

/** The outcome of a request the canary split decided; null for every other request (forced, other modes). */
export function canaryOutcome(x: Exchange, status: number, seconds: number): CanaryOutcome | null {
  const route = x.route;
  if (!route || route.mode !== 'canary' || x.decidedBy !== 'canary' || x.target === null) return null;
  return { routeId: route.id, side: x.target === route.new ? 'new' : 'legacy', status, ms: seconds * 1000, fellBack: x.fellBackFrom !== null };
}
