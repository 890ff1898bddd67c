import type { Burndown, Overview } from '../src/control/dashboard/answers';
import { openActions } from './actions';
import { api, ApiError, session } from './api';
import { h, replace } from './dom';
import { overviewView } from './overview';
import { refreshRollouts } from './rollout';
import { loadRoute, routeView } from './route-page';

/** How often the page asks whether the route state moved (a cheap read); the full overview follows a move or every few ticks. */
const POLL_MS = 2_000;
const FULL_EVERY = 5;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

const ui = {
  login: $('login'),
  form: $<HTMLFormElement>('login-form'),
  token: $<HTMLInputElement>('token'),
  actor: $<HTMLInputElement>('actor'),
  error: $('login-error'),
  view: $('view'),
  session: $('session'),
  live: $('live'),
  dialog: $<HTMLDialogElement>('action-dialog'),
};

const state = { version: -1, tick: 0, range: '24h', overview: null as Overview | null, burndown: null as Burndown | null, timer: 0, notice: '' };

function showLogin(message = ''): void {
  window.clearInterval(state.timer);
  ui.session.hidden = true;
  ui.view.hidden = true;
  ui.login.hidden = false;
  ui.error.textContent = message;
  ui.token.focus();
}

function failed(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) {
    session.signOut();
    showLogin(e.code === 'unauthorized' && e.message.includes('wrong') ? 'The token is wrong: the admin API refused it. Check STRANGLER_ADMIN_TOKEN.' : `Signed out: ${e.message}`);
    return;
  }
  ui.live.textContent = `update failed: ${e instanceof Error ? e.message : String(e)}`;
}

function routeOfHash(): string | null {
  const m = /^#\/route\/(.+)$/.exec(location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

const action = (id: string) => {
  const mode = state.overview?.routes.find((r) => r.id === id)?.mode ?? '?';
  openActions(ui.dialog, id, mode, (message) => {
    state.notice = message;
    void refresh(true);
  });
};

async function render(): Promise<void> {
  const o = state.overview;
  if (!o) return;
  const id = routeOfHash();
  const notice = state.notice ? h('p', { class: 'notice', role: 'status' }, state.notice) : '';
  if (id === null) {
    replace(ui.view, notice, overviewView(o, state.burndown, { range: state.range, onRange: (r) => void setRange(r), onAction: action }));
  } else {
    const data = await loadRoute(id, o.routes.find((r) => r.id === id));
    replace(ui.view, notice, routeView(id, data, action));
  }
}

async function setRange(range: string): Promise<void> {
  state.range = range;
  state.burndown = await api.burndown(range);
  await render();
}

/** One poll: the state version first; the overview (and the page in view) when it moved, or every few ticks anyway. */
async function refresh(force = false): Promise<void> {
  const list = await api.routes();
  state.tick += 1;
  if (!force && list.version === state.version && state.tick % FULL_EVERY !== 0) return;
  state.version = list.version;
  const [overview, burndown] = await Promise.all([api.overview(), api.burndown(state.range)]);
  await refreshRollouts(overview.rollouts);
  state.overview = overview;
  state.burndown = burndown;
  // A dialog open over the page keeps what it shows; the page behind it updates on the next tick.
  if (!ui.dialog.open) await render();
  ui.live.textContent = `state version ${overview.version} · updated ${new Date(overview.at).toLocaleTimeString()}`;
}

async function start(): Promise<void> {
  ui.login.hidden = true;
  ui.session.hidden = false;
  ui.view.hidden = false;
  replace(ui.view, h('p', { class: 'muted' }, 'loading…'));
  state.version = -1;
  await refresh(true);
  window.clearInterval(state.timer);
  state.timer = window.setInterval(() => refresh().catch(failed), POLL_MS);
}

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = ui.token.value.trim();
  if (token === '') return;
  session.signIn(token, ui.actor.value.trim());
  ui.token.value = '';
  start().catch(failed);
});

$('logout').addEventListener('click', () => {
  session.signOut();
  showLogin('Signed out.');
});

window.addEventListener('hashchange', () => {
  state.notice = '';
  render().catch(failed);
});

if (session.token() !== null) start().catch(failed);
else showLogin();
