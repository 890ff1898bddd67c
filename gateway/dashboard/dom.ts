/** A small element builder: the page is plain DOM, no framework, and never sets innerHTML from data. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
}

/** A time in the viewer's zone, with UTC on hover. */
export function time(iso: string | null, empty = 'never'): HTMLElement {
  if (iso === null) return h('span', { class: 'muted' }, empty);
  const d = new Date(iso);
  return h('time', { datetime: iso, title: `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC` }, `${d.toLocaleString()} (${ago(d)})`);
}

export function ago(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 90) return s < 0 ? 'just now' : `${s} s ago`;
  if (s < 5_400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3_600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function pct(r: number | null, digits = 1): string {
  return r === null ? 'n/a' : `${(r * 100).toFixed(digits)}%`;
}

export function ms(v: number | null): string {
  return v === null ? 'n/a' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** A mode, always written: colour is never the only signal. */
export function modeBadge(mode: string, percent: number | null): HTMLElement {
  return h('span', { class: `mode mode-${mode}`, 'data-mode': mode }, mode, mode === 'canary' && percent !== null ? ` ${percent}%` : '');
}

export function replace(target: Element, ...children: (Child | Child[])[]): void {
  target.replaceChildren();
  append(target, children);
}
