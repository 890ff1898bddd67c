import { ROUTE_MODES, type RouteMode } from '../../src/config/schema';
import { ControlError } from '../../src/control/errors';
import { allowedNext, planMove } from '../../src/control/modes';
import type { RouteState } from '../../src/control/types';
import { tableFor } from '../kit/gateway';

/**
 * The route mode state machine (issue 5), tested from the specification:
 * legacy → shadow → canary → new → retired one step at a time; back towards legacy always, except
 * out of retired (only to new unless forced); canary → canary with another percent; the same state
 * never; a mode that needs a side the route does not declare never, not even forced.
 */

const BOTH = { legacy: true, new: true };
const LEGACY_ONLY = { legacy: true, new: false };
const NEW_ONLY = { legacy: false, new: true };

/** The state a route is in before the move; a canary route is at 10%. */
const stateOf = (mode: RouteMode): RouteState => (mode === 'canary' ? { mode, percent: 10 } : { mode });
/** The percent a move to `to` carries: canary moves go to 20% (another percent than the 10% above). */
const percentFor = (to: RouteMode): number | undefined => (to === 'canary' ? 20 : undefined);

/** What the move does without --force, written down from the specification, not derived from the code. */
type Verdict = 'ok' | 'same' | 'skip' | 'from-retired';
const EXPECTED: Record<RouteMode, Record<RouteMode, Verdict>> = {
  legacy: { legacy: 'same', shadow: 'ok', canary: 'skip', new: 'skip', retired: 'skip' },
  shadow: { legacy: 'ok', shadow: 'same', canary: 'ok', new: 'skip', retired: 'skip' },
  // canary → canary is a change of percent (10 → 20): allowed.
  canary: { legacy: 'ok', shadow: 'ok', canary: 'ok', new: 'ok', retired: 'skip' },
  new: { legacy: 'ok', shadow: 'ok', canary: 'ok', new: 'same', retired: 'ok' },
  retired: { legacy: 'from-retired', shadow: 'from-retired', canary: 'from-retired', new: 'ok', retired: 'same' },
};

/** The allowed next steps an error must name, per starting mode (the same mode excluded, except canary's percent change). */
const ALLOWED_NEXT: Record<RouteMode, RouteMode[]> = {
  legacy: ['shadow'],
  shadow: ['legacy', 'canary'],
  canary: ['legacy', 'shadow', 'canary', 'new'],
  new: ['legacy', 'shadow', 'canary', 'retired'],
  retired: ['new'],
};

function refusal(fn: () => unknown): ControlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ControlError) return e;
    throw e;
  }
  throw new Error('expected the move to be refused');
}

const PAIRS: [RouteMode, RouteMode, Verdict][] = ROUTE_MODES.flatMap((from) => ROUTE_MODES.map((to): [RouteMode, RouteMode, Verdict] => [from, to, EXPECTED[from][to]]));

describe('mode transitions: all 5×5 pairs, without --force', () => {
  it('the table covers 25 pairs', () => {
    expect(PAIRS).toHaveLength(25);
  });

  it.each(PAIRS)('%s → %s: %s', (from, to, verdict) => {
    const move = () => planMove('products', stateOf(from), to, percentFor(to), false, BOTH);
    if (verdict === 'ok') {
      expect(move()).toEqual(to === 'canary' ? { mode: 'canary', percent: 20 } : { mode: to });
      return;
    }
    const e = refusal(move);
    expect(e.code).toBe('illegal-move');
    expect(e.status).toBe(422);
    expect(e.message).toContain('products');
    if (verdict === 'same') {
      expect(e.message).toMatch(/already in/);
      return;
    }
    // Skipping ahead, or leaving retired for anything but new: the error names the allowed next steps.
    expect(e.details).toMatchObject({ from, to, allowed: ALLOWED_NEXT[from] });
    expect(e.message).toContain(`allowed next: ${ALLOWED_NEXT[from].join(', ')}`);
  });
});

describe('mode transitions: all 5×5 pairs, with --force', () => {
  it.each(PAIRS)('%s → %s (forced)', (from, to, verdict) => {
    const move = () => planMove('products', stateOf(from), to, percentFor(to), true, BOTH);
    if (verdict === 'same') {
      // Force never makes a no-op move legal.
      expect(refusal(move).code).toBe('illegal-move');
      return;
    }
    expect(move()).toEqual(to === 'canary' ? { mode: 'canary', percent: 20 } : { mode: to });
  });
});

describe('allowedNext', () => {
  it.each(ROUTE_MODES.map((m) => [m]))('from %s', (from) => {
    const next = allowedNext(from).filter((m) => m !== from || m === 'canary');
    expect(next).toEqual(ALLOWED_NEXT[from]);
  });
});

describe('specific moves from the specification', () => {
  it('legacy → new is refused without force and names shadow as the next step', () => {
    const e = refusal(() => planMove('products', { mode: 'legacy' }, 'new', undefined, false, BOTH));
    expect(e.code).toBe('illegal-move');
    expect(e.details['allowed']).toEqual(['shadow']);
    expect(e.message).toMatch(/allowed next: shadow/);
  });

  it('retired → legacy is refused without force, allowed with force', () => {
    expect(refusal(() => planMove('products', { mode: 'retired' }, 'legacy', undefined, false, BOTH)).details['allowed']).toEqual(['new']);
    expect(planMove('products', { mode: 'retired' }, 'legacy', undefined, true, BOTH)).toEqual({ mode: 'legacy' });
  });

  it('canary → canary at the same percent is refused; at another percent allowed', () => {
    expect(refusal(() => planMove('products', { mode: 'canary', percent: 10 }, 'canary', 10, false, BOTH)).message).toMatch(/already in canary 10%/);
    expect(planMove('products', { mode: 'canary', percent: 10 }, 'canary', 10.5, false, BOTH)).toEqual({ mode: 'canary', percent: 10.5 });
    expect(planMove('products', { mode: 'canary', percent: 10 }, 'canary', 5, false, BOTH)).toEqual({ mode: 'canary', percent: 5 });
  });
});

describe('percentages', () => {
  it('canary without a percent is refused', () => {
    const e = refusal(() => planMove('products', { mode: 'shadow' }, 'canary', undefined, false, BOTH));
    expect(e.code).toBe('invalid-request');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/percent/);
  });

  it.each([[0], [100], [-1], [100.01], [150], [0.001], [12.345], [99.999], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'canary at %p%% is refused (0 < p < 100, two decimals at most), even forced',
    (percent) => {
      const e = refusal(() => planMove('products', { mode: 'shadow' }, 'canary', percent, true, BOTH));
      expect(e.code).toBe('invalid-request');
    },
  );

  it.each([[0.01], [0.5], [1], [10], [12.5], [33.33], [50], [99.99], [0.07], [1.1], [4.35], [57.01]])('canary at %p%% is accepted', (percent) => {
    expect(planMove('products', { mode: 'shadow' }, 'canary', percent, false, BOTH)).toEqual({ mode: 'canary', percent });
  });

  it.each(ROUTE_MODES.filter((m) => m !== 'canary').map((m) => [m]))('a percent with mode %s is refused, even forced', (to) => {
    const e = refusal(() => planMove('products', { mode: 'canary', percent: 10 }, to, 10, true, BOTH));
    expect(e.code).toBe('invalid-request');
    expect(e.message).toMatch(/only applies to mode canary/);
  });
});

describe('a mode that needs a side the route does not declare', () => {
  const needsNew: RouteMode[] = ['shadow', 'canary', 'new', 'retired'];
  const needsLegacy: RouteMode[] = ['legacy', 'shadow', 'canary'];

  it.each(needsNew.map((m) => [m]))('legacy-only route → %s is refused even forced, naming the missing side', (to) => {
    const e = refusal(() => planMove('old', { mode: 'legacy' }, to, percentFor(to), true, LEGACY_ONLY));
    expect(e.code).toBe('illegal-move');
    expect(e.details['missing']).toEqual(['new']);
    expect(e.message).toMatch(/no new target/);
  });

  it.each(needsLegacy.map((m) => [m]))('new-only route → %s is refused even forced, naming the missing side', (to) => {
    const e = refusal(() => planMove('fresh-only', { mode: 'new' }, to, percentFor(to), true, NEW_ONLY));
    expect(e.code).toBe('illegal-move');
    expect(e.details['missing']).toEqual(['legacy']);
    expect(e.message).toMatch(/no legacy target/);
  });

  it('a new-only route may still move new → retired and back', () => {
    expect(planMove('fresh-only', { mode: 'new' }, 'retired', undefined, false, NEW_ONLY)).toEqual({ mode: 'retired' });
    expect(planMove('fresh-only', { mode: 'retired' }, 'new', undefined, false, NEW_ONLY)).toEqual({ mode: 'new' });
  });
});
