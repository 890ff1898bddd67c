import type { Burndown, Overview, Preview, RouteTraffic } from '../src/control/dashboard/answers';
import type { AuditEntry, ChangeResult, Explanation, RouteList } from '../src/control/types';
import type { RouteShadowReport } from '../src/shadow/types';

const TOKEN = 'strangler.admin-token';
const ACTOR = 'strangler.actor';

/** The tab's session only: closing the tab forgets the token. Never a cookie, never a URL. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN),
  actor: (): string => sessionStorage.getItem(ACTOR) ?? '',
  signIn(token: string, actor: string): void {
    sessionStorage.setItem(TOKEN, token);
    if (actor) sessionStorage.setItem(ACTOR, actor);
    else sessionStorage.removeItem(ACTOR);
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(ACTOR);
  },
};

/** A refusal of the admin API, with its problem+json fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reasons: readonly string[],
  ) {
    super(message);
  }
}

interface ProblemLike {
  readonly type?: unknown;
  readonly detail?: unknown;
  readonly title?: unknown;
  readonly reasons?: unknown;
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const token = session.token();
  if (token === null) throw new ApiError(401, 'unauthorized', 'not signed in', []);
  const res = await fetch(path, {
    method,
    // No cookie ever goes with an admin call (the API refuses them), whatever other apps on this host set.
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  if (!res.ok) {
    const p: ProblemLike = typeof parsed === 'object' && parsed !== null ? parsed : {};
    const code = typeof p.type === 'string' ? p.type.replace(/^.*[/:]/, '') : String(res.status);
    const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${res.status}`;
    const reasons = Array.isArray(p.reasons) ? p.reasons.map(String) : [];
    throw new ApiError(res.status, code, detail, reasons);
  }
  // The answers are typed by the zod schemas the admin API sends them with (admin-answers.ts);
  // the page trusts its own listener rather than ship a validator to the browser.
  return parsed as T;
}

const q = (params: Record<string, string | undefined>): string => {
  const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return s ? `?${s}` : '';
};
const enc = encodeURIComponent;

export const api = {
  routes: () => call<RouteList>('GET', '/admin/routes'),
  overview: () => call<Overview>('GET', '/admin/dashboard/overview'),
  burndown: (range: string) => call<Burndown>('GET', `/admin/dashboard/burndown${q({ range })}`),
  history: (route: string) => call<AuditEntry[]>('GET', `/admin/history${q({ route, limit: '200' })}`),
  shadowReport: (route: string) => call<RouteShadowReport[]>('GET', `/admin/shadow/report${q({ route })}`),
  explain: (method: string, path: string) => call<Explanation>('GET', `/admin/routes/explain${q({ method, path })}`),
  traffic: (route: string) => call<RouteTraffic>('GET', `/admin/dashboard/routes/${enc(route)}/traffic`),
  preview: (route: string, params: { action: 'flip' | 'rollback'; to?: string; percent?: string }) =>
    call<Preview>('GET', `/admin/dashboard/routes/${enc(route)}/preview${q(params)}`),
  flip: (route: string, body: { to: string; percent?: number; reason: string; actor?: string }, version: number) =>
    call<ChangeResult>('POST', `/admin/routes/${enc(route)}/flip`, body, { 'If-Match': `"${version}"` }),
  rollback: (route: string, body: { reason: string; actor?: string }, version: number) =>
    call<ChangeResult>('POST', `/admin/routes/${enc(route)}/rollback`, body, { 'If-Match': `"${version}"` }),
  /** For the rollout panel (rollout.ts), which owns its own endpoints. */
  call,
};
