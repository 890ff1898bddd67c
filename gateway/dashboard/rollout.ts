import { api, ApiError, session } from './api';
import { h, replace, time } from './dom';

/**
 * The rollout panel (issue 18's automatic rollouts), kept in this one module so that it can follow
 * that API:
 *
 *   GET  /admin/rollouts                          → { rollouts: Rollout[], lease }
 *   POST /admin/routes/:id/rollout                { steps?, interval?, minRequests?, reason?, actor? } → 201 { rollout, lease }
 *   POST /admin/routes/:id/rollout/pause|resume|abort   { reason?, actor? } → { rollout, lease }
 *
 * Its types are the server's own (control/rollout/types.ts, imported as types only, so nothing of
 * zod reaches the bundle). The page asks for rollouts only
 * when the overview says the admin API lists /admin/rollouts.
 */
export type { Rollout, RolloutState, Check as RolloutCheck } from '../src/control/rollout/types';
import type { Rollout, RolloutState } from '../src/control/rollout/types';

let known: ReadonlyMap<string, Rollout> | 'unavailable' | null = null;

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
    const list = await api.call<{ rollouts: readonly Rollout[] }>('GET', '/admin/rollouts');
    // Newest last: the route's current (or last) rollout wins.
    known = new Map(list.rollouts.map((r) => [r.routeId, r]));
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
  return h('span', { class: 'small', 'data-rollout': r.state }, `${r.state}, step ${r.step.index}/${r.step.of}`);
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
    if (!window.confirm(verb === 'start' ? `Start a rollout of ${routeId}? It moves through shadow and the canary steps on its own, and rolls back on a failed analysis.` : `${verb} the rollout of ${routeId}?`)) return;
    const path = `/admin/routes/${encodeURIComponent(routeId)}/rollout${verb === 'start' ? '' : `/${verb}`}`;
    const actor = session.actor();
    api.call<{ rollout: Rollout }>('POST', path, { reason: reason.value.trim(), ...(actor ? { actor } : {}) }).then(
      ({ rollout: s }) => replace(out, `rollout ${s.state}, step ${s.step.index}/${s.step.of}`),
      (e: unknown) => replace(out, h('span', { class: 'error', role: 'alert' }, e instanceof ApiError ? `${e.message} ${e.reasons.join('; ')}` : String(e))),
    );
  };
  const active = r !== undefined && ACTIVE.includes(r.state);
  panel.append(
    r
      ? h(
          'div',
          {},
          h('p', {}, h('strong', {}, r.state), ` · step ${r.step.index} of ${r.step.of} (steps ${r.plan.steps.join(', ')}%) · now ${r.step.route.mode}${r.step.route.percent !== undefined ? ` ${r.step.route.percent}%` : ''} · next analysis `, time(r.nextAnalysisAt, 'none')),
          r.note ? h('p', { class: 'small' }, r.note) : '',
          r.lastAnalysis
            ? h('div', {}, h('p', { class: 'small' }, `last analysis: ${r.lastAnalysis.verdict}, ${r.lastAnalysis.summary}`), h('ul', {}, r.lastAnalysis.checks.map((c) => h('li', {}, `${c.name}: ${c.detail} → ${c.verdict}`))))
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
