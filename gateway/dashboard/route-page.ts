import type { RouteOverview, RouteTraffic } from '../src/control/dashboard/answers';
import type { AuditEntry, Explanation } from '../src/control/types';
import type { FieldReport, RouteShadowReport } from '../src/shadow/types';
import { api, ApiError } from './api';
import { h, modeBadge, ms, pct, replace, time } from './dom';
import { rolloutPanel } from './rollout';
import { sampleView } from './sample-view';

/** Where an evidence note starts in a reason written through the dashboard (actions.ts). */
export const EVIDENCE_MARK = ' [evidence: ';

export interface RouteData {
  readonly row: RouteOverview | undefined;
  readonly history: readonly AuditEntry[];
  readonly report: RouteShadowReport | undefined;
  readonly traffic: RouteTraffic;
}

export async function loadRoute(id: string, row: RouteOverview | undefined): Promise<RouteData> {
  const [history, reports, traffic] = await Promise.all([api.history(id), api.shadowReport(id), api.traffic(id)]);
  return { row, history, report: reports[0], traffic };
}

/** A route's page: what it is, its history with evidence, its shadow report, explain, and its traffic. */
export function routeView(id: string, d: RouteData, onAction: (id: string) => void): HTMLElement {
  const r = d.row;
  return h(
    'div',
    { class: 'route-page', 'data-route-page': id },
    h('p', {}, h('a', { href: '#/' }, '← all routes')),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, `Route ${id} `, r ? modeBadge(r.mode, r.percent) : ''),
      r ? h('p', { class: 'muted' }, `${r.methods ? r.methods.join(',') : 'all methods'} ${r.path} · legacy ${r.legacy ?? 'none'} · new ${r.new ?? 'none'} · state from ${r.source}`) : '',
      h('button', { type: 'button', onclick: () => onAction(id) }, 'Change…'),
    ),
    rolloutPanel(id),
    historyPanel(d.history),
    shadowPanel(d.report),
    explainPanel(r?.path.replace(/:[^/]+|\*.*$/g, '1') ?? '/'),
    trafficPanel(d.traffic),
  );
}

function historyPanel(history: readonly AuditEntry[]): HTMLElement {
  const state = (s: AuditEntry['to']) => (s.mode === 'canary' ? `canary ${s.percent ?? 0}%` : s.mode);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    history.length === 0
      ? h('p', { class: 'muted' }, 'No change yet: the route follows routes.json.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'history' },
            h('thead', {}, h('tr', {}, ['#', 'When', 'Who', 'Via', 'Change', 'Reason', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              {},
              history.map((e) => {
                const at = e.reason.indexOf(EVIDENCE_MARK);
                const reason = at === -1 ? e.reason : e.reason.slice(0, at);
                const evidence = at === -1 ? '' : e.reason.slice(at + EVIDENCE_MARK.length).replace(/\]$/, '');
                return h(
                  'tr',
                  { 'data-entry': e.id },
                  h('td', {}, `${e.id}`),
                  h('td', {}, time(e.at)),
                  h('td', {}, e.actor),
                  h('td', { class: 'via' }, e.via),
                  h('td', {}, `${e.action} ${state(e.from)} → ${state(e.to)}`, e.forced ? h('strong', { class: 'warn' }, ' (forced)') : '', e.undoes !== null ? ` (undoes #${e.undoes})` : ''),
                  h('td', { class: 'reason' }, reason),
                  h('td', { class: 'small' }, evidence || h('span', { class: 'muted' }, '-')),
                );
              }),
            ),
          ),
        ),
  );
}

function shadowPanel(report: RouteShadowReport | undefined): HTMLElement {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'shadow-title' }, h('h2', { id: 'shadow-title' }, 'Shadow report, last 24 hours'));
  if (!report || report.compared + report.newErrors + report.newTimeouts === 0) {
    panel.append(h('p', { class: 'muted' }, 'No comparison yet. Put the route in shadow and send it traffic; differing fields appear here.'));
    return panel;
  }
  const samples = h('div', { class: 'samples', 'aria-live': 'polite' });
  panel.append(
    h(
      'p',
      {},
      `${report.compared} compared, ${report.matches} matching (${pct(report.matchRate)}); ${report.noiseSampled} sampled for noise; new errors ${report.newErrors}, timeouts ${report.newTimeouts}; ` +
        `p99 new ${ms(report.latency.new.p99Ms)} vs legacy ${ms(report.latency.legacy.p99Ms)}; dropped ${report.dropped}`,
    ),
    report.fields.length === 0
      ? h('p', {}, 'No field differs.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'fields' },
            h('thead', {}, h('tr', {}, ['Field', 'Kind', 'Verdict', 'Differs (legacy → new)', 'Noise (legacy → legacy)', 'Samples'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, report.fields.map((f) => fieldRow(f, samples))),
          ),
        ),
    samples,
  );
  return panel;
}

function fieldRow(f: FieldReport, samples: HTMLElement): HTMLElement {
  return h(
    'tr',
    { 'data-field': f.path },
    h('td', {}, h('code', {}, f.path)),
    h('td', {}, f.kind),
    h('td', {}, h('span', { class: f.real ? 'warn' : 'muted' }, f.real ? 'real' : 'noise')),
    h('td', {}, `${f.raw} (${pct(f.rawRate, 2)})`),
    h('td', {}, `${f.noise} (${pct(f.noiseRate, 2)})`),
    h('td', {}, f.samples.length === 0 ? '-' : h('button', { type: 'button', onclick: () => replace(samples, h('h3', {}, `Sample for ${f.path}`), sampleView(f.samples[0] as FieldReport['samples'][number])) }, `show (${f.samples.length})`)),
  );
}

function explainPanel(example: string): HTMLElement {
  const out = h('div', { class: 'explain-out', 'aria-live': 'polite' });
  const method = h('select', { 'aria-label': 'method' }, ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', {}, m))) as HTMLSelectElement;
  const path = h('input', { type: 'text', value: example, 'aria-label': 'path', class: 'grow' }) as HTMLInputElement;
  const form = h('form', { class: 'row' }, method, path, h('button', { type: 'submit' }, 'Explain'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    api.explain(method.value, path.value).then(
      (e) => replace(out, explanation(e)),
      (e: unknown) => replace(out, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e))),
    );
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'explain-title' }, h('h2', { id: 'explain-title' }, 'Explain a request'), form, out);
}

function explanation(e: Explanation): HTMLElement {
  return h(
    'div',
    {},
    h('p', {}, h('strong', {}, e.route ? `route ${e.route.id}` : 'no route'), `: ${e.answer}`),
    h('ul', {}, e.why.map((w) => h('li', {}, w))),
    h('p', { class: 'small' }, `since `, time(e.since), ': ', e.traffic.map((t) => `${t.upstream} ${t.requests}`).join(', ') || 'no traffic'),
  );
}

function trafficPanel(t: RouteTraffic): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'traffic-title' },
    h('h2', { id: 'traffic-title' }, 'Traffic per upstream and instance'),
    h('p', { class: 'small muted' }, 'Upstreams: every replica since ', time(t.since), '. Instances: this gateway replica since it started.'),
    h('ul', {}, t.upstreams.length === 0 ? h('li', { class: 'muted' }, 'no traffic') : t.upstreams.map((u) => h('li', {}, `${u.side} ${u.upstream}: ${u.requests} requests, last `, time(u.lastSeen)))),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ['Upstream', 'Instance', 'State', 'Tries (all routes)', 'In flight', 'Ejections'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, t.instances.map((i) => h('tr', {}, h('td', {}, i.upstream), h('td', {}, i.instance), h('td', { title: i.why ?? '' }, i.state), h('td', {}, `${i.tries}`), h('td', {}, `${i.inFlight}`), h('td', {}, `${i.ejections}`)))),
      ),
    ),
  );
}
