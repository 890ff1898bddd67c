import type { RouteMode } from './schema';

/**
 * The rules about modes that a route table must satisfy to load: which sides each mode needs, and
 * what a canary share may be. The flip rules (which mode may follow which) are the control
 * plane's; these are shared by validation, the overlay and the flip.
 */

/** Which sides a mode needs in order to answer. */
export const MODE_NEEDS: Readonly<Record<RouteMode, readonly ('legacy' | 'new')[]>> = {
  legacy: ['legacy'],
  shadow: ['legacy', 'new'],
  canary: ['legacy', 'new'],
  new: ['new'],
  retired: ['new'],
};

/** Checks a percentage: more than 0, less than 100, at most two decimals. */
export function checkPercent(percent: number): string | null {
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) return 'must be more than 0 and less than 100 (use mode new for 100, legacy or shadow for 0)';
  if (Math.round(percent * 100) / 100 !== percent) return 'must have at most two decimals';
  return null;
}
