import type { Burndown, Freshness, Overview, RouteOverview } from '../src/control/dashboard/answers';
import { burndownChart, sparkline } from './charts';
import { h, modeBadge, ms, pct, time } from './dom';
import { rolloutCell } from './rollout';

export const RANGES = ['1h', '6h', '24h', '7d', '28d'] as const;

export interface OverviewHandlers {
  readonly range: string;
  readonly onRange: (range: string) => void;
  readonly onAction: (routeId: string) => void;
}

/** The overview page: the burn-down and mode counts at the top, data freshness, then every route. */
export function overviewView(o: Overview, b: Burndown | null, handlers: OverviewHandlers): HTMLElement {
  return h(
    'div',
    { class: 'overview' },
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'burn-title' },
      h('h2', { id: 'burn-title' }, 'Traffic still served by legacy'),
      h('p', { class: 'counts', id: 'mode-counts' }, ...Object.entries(o.counts).flatMap(([mode, n]) => [modeBadge(mode, null), ` ${n} `])),
      h(
        'div',
        { class: 'ranges', role: 'group', 'aria-label': 'range' },
        RANGES.map((r) => h('button', { type: 'button', 'aria-pressed': String(r === handlers.range), onclick: () => handlers.onRange(r) }, r)),
      ),
      b ? burndownChart(b) : h('p', { class: 'muted' }, 'loading…'),
    ),
    emptyState(o),
    h('section', { class: 'panel', 'aria-labelledby': 'routes-title' }, h('h2', { id: 'routes-title' }, `Routes (state version ${o.version})`), routesTable(o.routes, handlers)),
    freshnessPanel(o.data),
  );
}

function emptyState(o: Overview): HTMLElement | null {
  if (o.routes.some((r) => r.shadow !== null)) return null;
  return h(
    'section',
    { class: 'panel empty', id: 'empty-state' },
    h('h2', {}, 'Nothing is shadowed yet'),
    h('p', {}, 'No route has a shadow comparison in the last 24 hours, so there is no match rate to show. Put a route that has a new side in shadow: choose ', h('em', {}, 'Change…'), ' on its row, or run'),
    h('pre', {}, 'npx strangler routes flip <route> --to shadow --reason "compare before moving"'),
    h('p', {}, 'Legacy keeps answering every request; the new side gets a copy, and the differences appear here as traffic flows.'),
  );
}

function routesTable(routes: readonly RouteOverview[], handlers: OverviewHandlers): HTMLElement {
  const head = ['Route', 'Mode', 'Requests, last hour', 'Last legacy hit', 'Shadow match rate', 'New vs legacy', 'Health', 'Rollout', ''];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'routes' },
      h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, routes.map((r) => routeRow(r, handlers))),
    ),
  );
}

function routeRow(r: RouteOverview, handlers: OverviewHandlers): HTMLElement {
  return h(
    'tr',
    { 'data-route': r.id },
    h('th', { scope: 'row' }, h('a', { href: `#/route/${encodeURIComponent(r.id)}` }, r.id), h('div', { class: 'muted small' }, `${r.methods ? r.methods.join(',') : 'all'} ${r.path}`)),
    h('td', {}, modeBadge(r.mode, r.percent), h('div', { class: 'muted small' }, r.source)),
    h('td', {}, sparkline(r.perMinute)),
    h('td', { class: 'last-legacy' }, time(r.lastHit.legacy)),
    h('td', {}, matchCell(r)),
    h('td', {}, deltaCell(r)),
    h('td', {}, healthCell(r)),
    h('td', {}, rolloutCell(r.id)),
    h('td', {}, h('button', { type: 'button', class: 'act', 'aria-label': `Change route ${r.id}`, onclick: () => handlers.onAction(r.id) }, 'Change…')),
  );
}

function matchCell(r: RouteOverview): HTMLElement {
  const s = r.shadow;
  if (!s) return h('span', { class: 'muted' }, r.new ? 'not shadowed' : 'no new side');
  const below = s.gate && s.lowerBound !== null && s.lowerBound < s.gate.minMatchRate;
  return h(
    'div',
    { class: 'match' },
    h('strong', {}, pct(s.matchRate)),
    ` of ${s.compared}`,
    h('div', { class: 'small' }, `≥ ${pct(s.lowerBound)} (95%)`, below ? h('span', { class: 'warn' }, ' below gate') : ''),
    h('div', { class: 'muted small' }, `${s.realFields} real, ${s.noiseFields} noise fields; ${s.noiseSampled} noise samples`),
  );
}

function deltaCell(r: RouteOverview): HTMLElement {
  const s = r.shadow;
  const live = r.live;
  return h(
    'div',
    { class: 'small' },
    s ? h('div', {}, `shadow: errors ${pct(s.newErrorRate)}, p99 ${ms(s.p99Ms.new)} vs ${ms(s.p99Ms.legacy)}`) : '',
    live.new.requests + live.legacy.requests > 0
      ? h('div', {}, `live: errors ${pct(live.new.errorRate)} vs ${pct(live.legacy.errorRate)}, p99 ≤ ${ms(live.new.p99Ms)} vs ${ms(live.legacy.p99Ms)}`)
      : '',
    !s && live.new.requests + live.legacy.requests === 0 ? h('span', { class: 'muted' }, 'no answers yet') : '',
  );
}

function healthCell(r: RouteOverview): HTMLElement {
  return h(
    'ul',
    { class: 'health small' },
    r.health.map((u) => {
      const bad = u.circuit === 'open' || u.healthy < u.total;
      return h(
        'li',
        { class: bad ? 'warn' : '', title: u.problems.join('\n') },
        `${u.side} ${u.upstream}: `,
        `breaker ${u.circuit ?? 'closed'}, ${u.healthy}/${u.total} healthy`,
        bad ? ' ⚠' : '',
      );
    }),
  );
}

function freshnessPanel(data: readonly Freshness[]): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'data-title' },
    h('h2', { id: 'data-title' }, 'Data verification'),
    data.length === 0
      ? h('p', { class: 'muted' }, 'No data contexts are known to this gateway.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data' },
            h('thead', {}, h('tr', {}, ['Context', 'Last verify', 'Result', 'Last sync', 'Backfill', 'Routes'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, data.map(freshnessRow)),
          ),
        ),
  );
}

function freshnessRow(f: Freshness): HTMLElement {
  const v = f.verify;
  const result = v
    ? h('span', { class: v.clean ? 'ok' : 'warn' }, v.clean ? 'clean' : 'DIFFERENCES', ` · ${v.matching}/${v.legacyRows} matching, ${v.missing} missing, ${v.extra} extra, ${v.different} different`)
    : h('span', { class: 'muted' }, `never verified: run npx strangler verify ${f.context}`);
  return h(
    'tr',
    { 'data-context': f.context },
    h('th', { scope: 'row' }, f.context, f.problems.length ? h('div', { class: 'warn small' }, f.problems.join('; ')) : ''),
    h('td', {}, time(v?.at ?? null)),
    h('td', {}, result),
    h('td', {}, time(f.sync?.lastRunAt ?? null)),
    h('td', {}, f.backfill ? [f.backfill.state, ` · ${f.backfill.rows} rows · `, time(f.backfill.updatedAt)] : h('span', { class: 'muted' }, 'none')),
    h('td', {}, f.routes.join(', ') || h('span', { class: 'muted' }, '-')),
  );
}
