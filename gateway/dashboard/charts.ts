import type { Burndown } from '../src/control/dashboard/answers';
import { h, svg } from './dom';

function points(values: readonly number[], max: number, width: number, height: number): string {
  const step = values.length > 1 ? width / (values.length - 1) : width;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - (max === 0 ? 0 : (v / max) * (height - 2)) - 1).toFixed(1)}`).join(' ');
}

/** Requests per minute to each side over the last hour: two lines, with the totals written beside them. */
export function sparkline(series: { readonly legacy: readonly number[]; readonly new: readonly number[] }): HTMLElement {
  const max = Math.max(1, ...series.legacy, ...series.new);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const label = `last hour: legacy ${sum(series.legacy)}, new ${sum(series.new)} requests`;
  return h(
    'span',
    { class: 'spark' },
    svg(
      'svg',
      { viewBox: '0 0 120 28', width: 120, height: 28, role: 'img', 'aria-label': label, preserveAspectRatio: 'none' },
      svg('title', {}, label),
      svg('polyline', { class: 'line-legacy', points: points(series.legacy, max, 120, 28) }),
      svg('polyline', { class: 'line-new', points: points(series.new, max, 120, 28) }),
    ),
    h('span', { class: 'spark-n' }, h('span', { class: 'legacy-key' }, `L ${sum(series.legacy)}`), ' ', h('span', { class: 'new-key' }, `N ${sum(series.new)}`)),
  );
}

/** The share of all traffic still served by legacy per bucket (a gap where nothing was served), as an area. */
export function burndownChart(b: Burndown): HTMLElement {
  const W = 600;
  const H = 120;
  const n = b.points.length;
  const y = (share: number) => H - share * (H - 4) - 2;
  // One bar per bucket, as tall as legacy's share; an empty bucket has no bar (a gap, not 0%).
  const bw = W / Math.max(1, n);
  const bars = b.points.flatMap((p, i) => {
    const total = p.legacy + p.new;
    if (total === 0) return [];
    const top = y(p.legacy / total);
    return [svg('rect', { class: 'area-legacy', x: (i * bw).toFixed(1), y: top.toFixed(1), width: Math.max(1, bw - 0.5).toFixed(1), height: (H - top).toFixed(1) }, svg('title', {}, `${new Date(p.at).toLocaleString()}: legacy ${p.legacy}, new ${p.new}`))];
  });
  const totals = b.points.reduce((a, p) => ({ legacy: a.legacy + p.legacy, new: a.new + p.new }), { legacy: 0, new: 0 });
  const share = totals.legacy + totals.new === 0 ? null : totals.legacy / (totals.legacy + totals.new);
  const label = share === null ? 'no traffic in this range' : `legacy served ${(share * 100).toFixed(1)}% of ${totals.legacy + totals.new} requests in this range`;
  return h(
    'figure',
    { class: 'burndown' },
    svg(
      'svg',
      { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'none', class: 'burndown-svg' },
      svg('title', {}, label),
      svg('line', { class: 'grid', x1: 0, x2: W, y1: y(0.5), y2: y(0.5) }),
      ...bars,
    ),
    h('figcaption', {}, label, ' · 100% at the top, 0% at the bottom; one point per ', `${b.bucketMinutes} min`),
  );
}
