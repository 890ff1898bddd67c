import type { Preview, ShadowSummary } from '../src/control/dashboard/answers';
import { api, ApiError, session } from './api';
import { h, ms, pct, replace } from './dom';
import { EVIDENCE_MARK } from './route-page';

const MODES = ['legacy', 'shadow', 'canary', 'new', 'retired'] as const;

/** The numbers the operator saw when confirming, kept with the reason in the audit log. */
export function evidenceOf(s: ShadowSummary | null): string {
  if (!s) return '';
  return `${EVIDENCE_MARK}shadow since ${s.since}: ${s.compared} compared, match ${pct(s.matchRate, 2)} (≥ ${pct(s.lowerBound, 2)} at 95%), ${s.realFields} real / ${s.noiseFields} noise fields, new errors ${pct(s.newErrorRate, 2)}, p99 new ${ms(s.p99Ms.new)} vs legacy ${ms(s.p99Ms.legacy)}]`;
}

function previewView(p: Preview): HTMLElement {
  const state = (s: Preview['from']) => (s.mode === 'canary' ? `canary ${s.percent ?? 0}%` : s.mode);
  const g = p.gate;
  return h(
    'div',
    { class: 'preview', 'data-allowed': String(p.allowed) },
    h('p', {}, h('strong', {}, `${state(p.from)} → ${p.to ? state(p.to) : '?'}`), p.effect ? `: ${p.effect}` : ''),
    g.applies
      ? h(
          'div',
          { class: g.ok ? 'ok' : 'warn' },
          h('p', {}, h('strong', {}, `Flip gate: ${g.ok ? 'passes' : 'refuses'}`)),
          g.summary
            ? h(
                'p',
                { class: 'small' },
                `${g.summary.compared} compared (gate needs ${g.summary.gate?.minCompared ?? '?'}), match ${pct(g.summary.matchRate, 2)} ≥ ${pct(g.summary.lowerBound, 2)} at 95% (gate ${pct(g.summary.gate?.minMatchRate ?? null, 2)}), new errors ${pct(g.summary.newErrorRate, 2)} (gate ≤ ${pct(g.summary.gate?.maxNewErrorRate ?? null, 2)}), p99 new ${ms(g.summary.p99Ms.new)} vs legacy ${ms(g.summary.p99Ms.legacy)}`,
              )
            : h('p', { class: 'small' }, 'no shadow record since the route entered shadow'),
        )
      : h('p', { class: 'small muted' }, 'No flip gate applies to this move.'),
    p.refusal ? h('div', { class: 'error', role: 'alert' }, h('p', {}, p.refusal.message), h('ul', {}, p.refusal.reasons.map((r) => h('li', {}, r)))) : '',
  );
}

/**
 * The change dialog: choose a flip (or a canary share, or a rollback), write the reason, see what
 * will happen and the gate's verdict, then confirm. The change goes through the admin API's flip
 * and rollback, pinned to the state version the preview was made on.
 */
export function openActions(dialog: HTMLDialogElement, routeId: string, currentMode: string, onDone: (message: string) => void): void {
  let preview: Preview | null = null;
  const what = h('select', { id: 'action-what' }, [...MODES.filter((m) => m !== currentMode || m === 'canary').map((m) => h('option', { value: `flip:${m}` }, `Flip to ${m}`)), h('option', { value: 'rollback' }, 'Roll back the last change')]) as HTMLSelectElement;
  const percent = h('input', { id: 'action-percent', type: 'number', min: '0.01', max: '99.99', step: '0.01', value: '5' }) as HTMLInputElement;
  const reason = h('textarea', { id: 'action-reason', required: true, rows: 2, maxlength: 1500 }) as HTMLTextAreaElement;
  const out = h('div', { id: 'action-preview', 'aria-live': 'polite' });
  const confirm = h('button', { type: 'submit', id: 'action-confirm', disabled: true }, 'Confirm') as HTMLButtonElement;
  const percentRow = h('label', {}, 'Canary share (%) ', percent);
  const sync = () => {
    percentRow.hidden = what.value !== 'flip:canary';
    confirm.disabled = !(preview?.allowed && reason.value.trim() !== '');
  };
  const check = async () => {
    preview = null;
    sync();
    const [action, to] = what.value.split(':');
    try {
      preview = await api.preview(routeId, action === 'rollback' ? { action: 'rollback' } : { action: 'flip', to: to ?? '', ...(to === 'canary' ? { percent: percent.value } : {}) });
      replace(out, previewView(preview), preview.allowed && reason.value.trim() === '' ? h('p', { class: 'warn' }, 'Write the reason to confirm.') : '');
    } catch (e) {
      replace(out, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
    sync();
  };
  what.addEventListener('change', () => void check());
  percent.addEventListener('change', () => void check());
  reason.addEventListener('input', sync);
  const form = h(
    'form',
    { method: 'dialog', class: 'action-form' },
    h('h2', { id: 'action-title' }, `Change route ${routeId} (now ${currentMode})`),
    h('label', {}, 'Change ', what),
    percentRow,
    h('label', {}, 'Reason (required, goes into the audit log) ', reason),
    out,
    h('div', { class: 'row' }, confirm, h('button', { type: 'button', id: 'action-cancel', onclick: () => dialog.close() }, 'Cancel')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!preview?.allowed || reason.value.trim() === '') return;
    confirm.disabled = true;
    void apply(routeId, preview, reason.value.trim()).then(
      (message) => {
        dialog.close();
        onDone(message);
      },
      (e: unknown) => {
        replace(out, h('div', { class: 'error', role: 'alert' }, h('p', {}, e instanceof ApiError ? e.message : String(e)), e instanceof ApiError ? h('ul', {}, e.reasons.map((r) => h('li', {}, r))) : ''));
        preview = null;
      },
    );
  });
  replace(dialog, form);
  dialog.showModal();
  void check();
}

async function apply(routeId: string, p: Preview, reason: string): Promise<string> {
  const actor = session.actor() || undefined;
  if (p.action === 'rollback') {
    const r = await api.rollback(routeId, { reason, ...(actor ? { actor } : {}) }, p.version);
    return `rolled back ${routeId} (version ${r.version})`;
  }
  const to = p.to;
  if (!to) throw new Error('nothing to flip to');
  const r = await api.flip(routeId, { to: to.mode, ...(to.percent !== undefined ? { percent: to.percent } : {}), reason: `${reason}${evidenceOf(p.gate.summary)}`.slice(0, 2_000), ...(actor ? { actor } : {}) }, p.version);
  return `${routeId} is now ${to.mode === 'canary' ? `canary ${to.percent ?? 0}%` : to.mode} (version ${r.version})`;
}
