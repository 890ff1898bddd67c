import { api, ApiError } from './api';
import { h, replace, time } from './dom';

/**
 * The rollout panel (issue 18's automatic rollouts), kept in this one module so that it can follow
 * that API as it lands. What it expects of the admin API:
 *
 *   GET  /admin/rollouts                      → RolloutStatus[]  (every route with a rollout, any state)
 *   POST /admin/routes/:id/rollout/start      { reason, steps?, interval?, minRequests? } → RolloutStatus
 *   POST /admin/routes/:id/rollout/pause|resume|abort   { reason } → RolloutStatus
 *
 * A 404 on GET /admin/rollouts means this gateway has no rollouts: the panel says so and offers
 * no rollout action.
 */
export type RolloutState = 'running' | 'waiting-for-data' | 'paused' | 'done' | 'rolled-back' | 'aborted';

export interface RolloutCheck {
  readonly name: string;
  readonly value: number | null;
  readonly threshold: number;
  readonly verdict: 'pass' | 'fail' | 'no-data';
}

export interface RolloutStatus {
  readonly routeId: string;
  readonly state: RolloutState;
  readonly mode: string;
  readonly percent: number | null;
  /** 1-based step index and the plan's steps (percentages; 100 is mode new). */
  readonly step: number;
  readonly steps: readonly number[];
  readonly lastAnalysis: { readonly at: string; readonly verdict: 'pass' | 'fail' | 'no-data'; readonly checks: readonly RolloutCheck[] } | null;
  readonly nextAnalysisAt: string | null;
}

let known: ReadonlyMap<string, RolloutStatus> | 'unavailable' | null = null;

/**
 * Fetches every rollout once per refresh; rows and the route page read the result. `available`
 * is the overview's `rollouts` (the gateway serves GET /admin/rollouts): without it nothing is
 * asked, so no page load meets a 404.
 */
export async function refreshRollouts(available: boolean): Promise<void> {
  if (!available) {
    known = 'unavailable';
    return;
  }
  try {
    const list = await api.call<RolloutStatus[]>('GET', '/admin/rollouts');
    known = new Map(list.map((r) => [r.routeId, r]));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) known = 'unavailable';
    else throw e;
  }
}

const ACTIVE: readonly RolloutState[] = ['running', 'waiting-for-data', 'paused'];

export function rolloutCell(routeId: string): HTMLElement {
  if (known === 'unavailable') return h('span', { class: 'muted small' }, 'n/a');
  const r = known?.get(routeId);
  if (!r) return h('span', { class: 'muted small' }, 'none');
  return h('span', { class: 'small', 'data-rollout': r.state }, `${r.state}, step ${r.step}/${r.steps.length}`);
}

/** The route page's rollout panel: state, step x/N, the last analysis's checks, and start / pause / resume / abort. */
export function rolloutPanel(routeId: string): HTMLElement {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'rollout-title' }, h('h2', { id: 'rollout-title' }, 'Rollout'));
  if (known === 'unavailable') {
    panel.append(h('p', { class: 'muted' }, 'This gateway has no automatic rollouts.'));
    return panel;
  }
  const r = known?.get(routeId);
  const out = h('p', { 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', 'aria-label': 'rollout reason', placeholder: 'reason (required)', class: 'grow' }) as HTMLInputElement;
  const act = (verb: 'start' | 'pause' | 'resume' | 'abort') => () => {
    if (reason.value.trim() === '') return replace(out, h('span', { class: 'error', role: 'alert' }, 'Write the reason first.'));
    if (!window.confirm(`${verb} the rollout of ${routeId}?`)) return;
    api.call<RolloutStatus>('POST', `/admin/routes/${encodeURIComponent(routeId)}/rollout/${verb}`, { reason: reason.value.trim() }).then(
      (s) => replace(out, `rollout ${s.state}, step ${s.step}/${s.steps.length}`),
      (e: unknown) => replace(out, h('span', { class: 'error', role: 'alert' }, e instanceof ApiError ? `${e.message} ${e.reasons.join('; ')}` : String(e))),
    );
  };
  const active = r !== undefined && ACTIVE.includes(r.state);
  panel.append(
    r
      ? h(
          'div',
          {},
          h('p', {}, h('strong', {}, r.state), ` · step ${r.step} of ${r.steps.length} (${r.steps.join(', ')}%) · now ${r.mode}${r.percent !== null ? ` ${r.percent}%` : ''} · next analysis `, time(r.nextAnalysisAt, 'none')),
          r.lastAnalysis
            ? h('ul', {}, r.lastAnalysis.checks.map((c) => h('li', {}, `${c.name}: ${c.value ?? 'no data'} (threshold ${c.threshold}) → ${c.verdict}`)))
            : h('p', { class: 'muted' }, 'no analysis yet'),
        )
      : h('p', { class: 'muted' }, 'No rollout for this route.'),
    h(
      'div',
      { class: 'row' },
      reason,
      active ? '' : h('button', { type: 'button', onclick: act('start') }, 'Start rollout'),
      active && r?.state !== 'paused' ? h('button', { type: 'button', onclick: act('pause') }, 'Pause') : '',
      r?.state === 'paused' ? h('button', { type: 'button', onclick: act('resume') }, 'Resume') : '',
      active ? h('button', { type: 'button', onclick: act('abort') }, 'Abort') : '',
    ),
    out,
  );
  return panel;
}
