import type { Difference, ShadowSample } from '../src/shadow/types';
import { h } from './dom';

/** One printed line of a JSON value, with the path (in the report's notation) of the value it shows. */
interface Line {
  readonly text: string;
  readonly path: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function lines(value: unknown, path: string, indent: string, prefix: string, out: Line[], last: boolean): void {
  const comma = last ? '' : ',';
  if (Array.isArray(value)) {
    out.push({ text: `${indent}${prefix}[`, path });
    value.forEach((v, i) => lines(v, `${path}[*]`, `${indent}  `, '', out, i === value.length - 1));
    out.push({ text: `${indent}]${comma}`, path });
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    out.push({ text: `${indent}${prefix}{`, path });
    entries.forEach(([k, v], i) => lines(v, IDENT.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, `${indent}  `, `${JSON.stringify(k)}: `, out, i === entries.length - 1));
    out.push({ text: `${indent}}${comma}`, path });
  } else {
    out.push({ text: `${indent}${prefix}${JSON.stringify(value)}${comma}`, path });
  }
}

/** A report path (`items[*].price`, `stock{*}.qty`, `body`) as a test on a printed line's path: the field itself or anything inside it. */
function matcher(path: string): RegExp {
  const internal = path === 'body' ? '' : path.startsWith('[') ? path : `.${path}`;
  const source = internal
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\\\{\\\*\\\}/g, '(?:\\.[^.[]+|\\["(?:[^"\\\\]|\\\\.)*"\\])');
  return new RegExp(`^${source}(?:$|[.[])`);
}

function pane(title: string, status: number, body: unknown, tests: readonly RegExp[]): HTMLElement {
  const out: Line[] = [];
  lines(body, '', '', '', out, true);
  return h(
    'div',
    { class: 'pane' },
    h('h4', {}, `${title} · status ${status}`),
    h(
      'pre',
      { class: 'json', tabindex: 0 },
      out.map((l) => {
        const differs = tests.some((t) => t.test(l.path));
        return h(differs ? 'mark' : 'span', { class: 'ln', ...(differs ? { title: `differs: ${l.path.replace(/^\./, '') || 'body'}` } : {}) }, `${l.text}\n`);
      }),
    ),
  );
}

/** A stored (already redacted) sample: the request, then legacy and new side by side, differing paths highlighted. */
export function sampleView(sample: ShadowSample): HTMLElement {
  const bodyDiffs = sample.differences.filter((d: Difference) => d.path !== 'status' && !d.path.startsWith('header:'));
  const tests = bodyDiffs.map((d) => matcher(d.path));
  return h(
    'div',
    { class: 'sample' },
    h('p', { class: 'small' }, `${sample.request.method} ${sample.request.path} · `, h('time', { datetime: sample.at, title: sample.at }, new Date(sample.at).toLocaleString())),
    h('p', { class: 'small' }, 'Differs at: ', sample.differences.map((d) => `${d.path} (${d.kind})`).join(', ')),
    h('div', { class: 'side-by-side' }, pane('legacy', sample.legacy.status, sample.legacy.body, tests), pane('new', sample.new.status, sample.new.body, tests)),
  );
}
