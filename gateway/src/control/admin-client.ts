import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { z } from 'zod';
import { describeIssues, fieldIssues } from '../../../platform';
import type { RouteShadowReport } from '../shadow/types';
import { ADMIN_ANSWERS } from './admin-answers';
import { PROBLEM_TYPE_PREFIX } from './admin-problems';
import { CONTROL_ERRORS, ControlError, type ControlErrorCode } from './errors';
import { formatDuration } from '../config/rollout-schema';
import type { RolloutActionRequest, RolloutControl, RolloutList, RolloutStartRequest, RolloutStatus } from './rollout/types';
import type { AuditEntry, ChangeResult, Control, Explanation, FlipRequest, RollbackRequest, RouteList } from './types';

export interface AdminClientOptions {
  /** The admin API's base URL, e.g. http://127.0.0.1:9090. */
  readonly url: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/** The admin API refused for a reason that is not a control refusal (token, media type, size…), or answered something unexpected. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    /**
     * The problem type's code (`unauthorized`, `admin-disabled`…); `unreadable-answer` for a success
     * whose body does not parse; null when the answer was not a problem.
     */
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Socket-level failures: the API is down, unreachable or too slow, which is not the caller's mistake. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE']);

/**
 * The Control over HTTP: the same operations the CLI runs against the store directly, sent
 * to a gateway's admin API. Refusals come back as the same ControlError codes, so callers handle
 * both transports alike.
 */
export class AdminClient implements Control, RolloutControl {
  private readonly http: AxiosInstance;
  private readonly url: string;

  constructor(options: AdminClientOptions) {
    const parsed = new URL(options.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`the admin API URL must be http or https, not ${options.url}`);
    this.url = options.url.replace(/\/+$/, '');
    this.http = axios.create({
      baseURL: this.url,
      timeout: options.timeoutMs ?? 10_000,
      headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json, application/problem+json' },
      // Every status is read here: problem bodies carry the refusal.
      validateStatus: () => true,
      // The bearer token must go to the address given and nowhere else: no redirects, no proxy from the environment.
      maxRedirects: 0,
      proxy: false,
    });
  }

  list(): Promise<RouteList> {
    return this.call(ADMIN_ANSWERS.routes, { method: 'GET', url: '/admin/routes' }, 200);
  }

  explain(method: string, path: string, since: Date): Promise<Explanation> {
    return this.call(ADMIN_ANSWERS.explain, { method: 'GET', url: '/admin/routes/explain', params: { method, path, since: since.toISOString() } }, 200);
  }

  /** `via` is not sent: the API records the address it was reached from, which a client cannot claim. */
  flip(routeId: string, request: FlipRequest, _via: string, ifMatch?: number): Promise<ChangeResult> {
    const { to, percent, reason, force, actor } = request;
    return this.call(
      ADMIN_ANSWERS.flip,
      { method: 'POST', url: `/admin/routes/${encodeURIComponent(routeId)}/flip`, data: { to, percent, reason, force, actor }, headers: precondition(ifMatch) },
      201,
    );
  }

  rollback(routeId: string, request: RollbackRequest, _via: string, ifMatch?: number): Promise<ChangeResult> {
    const { reason, actor } = request;
    return this.call(
      ADMIN_ANSWERS.rollback,
      { method: 'POST', url: `/admin/routes/${encodeURIComponent(routeId)}/rollback`, data: { reason, actor }, headers: precondition(ifMatch) },
      201,
    );
  }

  history(routeId?: string, limit?: number): Promise<readonly AuditEntry[]> {
    return this.call(ADMIN_ANSWERS.history, { method: 'GET', url: '/admin/history', params: { route: routeId, limit } }, 200);
  }

  shadowReport(routeId: string | undefined, since: Date): Promise<RouteShadowReport[]> {
    return this.call(ADMIN_ANSWERS.shadowReport, { method: 'GET', url: '/admin/shadow/report', params: { route: routeId, since: since.toISOString() } }, 200);
  }

  rolloutStart(routeId: string, request: RolloutStartRequest, _via: string): Promise<RolloutStatus> {
    const { steps, intervalMs, minRequests, reason, actor } = request;
    const data = { steps, interval: intervalMs === undefined ? undefined : formatDuration(intervalMs), minRequests, reason, actor };
    return this.call(ADMIN_ANSWERS.rollout, { method: 'POST', url: `/admin/routes/${encodeURIComponent(routeId)}/rollout`, data }, 201);
  }

  rolloutStatus(routeId: string): Promise<RolloutStatus> {
    return this.call(ADMIN_ANSWERS.rollout, { method: 'GET', url: `/admin/routes/${encodeURIComponent(routeId)}/rollout` }, 200);
  }

  rolloutList(): Promise<RolloutList> {
    return this.call(ADMIN_ANSWERS.rollouts, { method: 'GET', url: '/admin/rollouts' }, 200);
  }

  rolloutPause(routeId: string, request: RolloutActionRequest, _via: string): Promise<RolloutStatus> {
    return this.rolloutAction(routeId, 'pause', request);
  }

  rolloutResume(routeId: string, request: RolloutActionRequest, _via: string): Promise<RolloutStatus> {
    return this.rolloutAction(routeId, 'resume', request);
  }

  rolloutAbort(routeId: string, request: RolloutActionRequest, _via: string): Promise<RolloutStatus> {
    return this.rolloutAction(routeId, 'abort', request);
  }

  private rolloutAction(routeId: string, action: string, request: RolloutActionRequest): Promise<RolloutStatus> {
    const { reason, actor } = request;
    return this.call(ADMIN_ANSWERS.rolloutAction, { method: 'POST', url: `/admin/routes/${encodeURIComponent(routeId)}/rollout/${action}`, data: { reason, actor } }, 200);
  }

  /**
   * Sends a request and parses the answer with the schema the API describes it by. An answer that
   * does not parse (a gateway of another version, a proxy's page) is an AdminApiError naming each
   * bad field, never an object of the wrong shape handed on to be printed as `undefined`.
   */
  private async call<S extends z.ZodType>(answer: S, config: AxiosRequestConfig & { method: string; url: string }, expected: number): Promise<z.output<S>> {
    const response = await this.http.request<unknown>(config).catch((e: unknown) => {
      throw this.transportError(e);
    });
    if (response.status !== expected) throw refusalOf(response.status, response.statusText, response.data);
    const parsed = answer.safeParse(response.data);
    if (parsed.success) return parsed.data;
    const issues = fieldIssues(parsed.error);
    throw new AdminApiError(
      response.status,
      'unreadable-answer',
      `the admin API at ${this.url} answered ${config.method} ${config.url} with something this CLI cannot read (a gateway of another version?): ${describeIssues(issues.slice(0, 5))}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    );
  }

  /**
   * A new error rather than axios's own: an AxiosError carries the request config, token
   * included, into whatever prints it.
   */
  private transportError(e: unknown): Error {
    if (!axios.isAxiosError(e)) return e instanceof Error ? e : new Error(String(e));
    const code = e.code ?? codeOf(e.cause);
    if (code !== undefined && UNREACHABLE.has(code)) {
      return new ControlError('store-unavailable', `cannot reach the admin API at ${this.url}: ${code} (${e.message || 'no detail'})`);
    }
    return new Error(`admin API request to ${this.url} failed: ${e.message}`);
  }
}

function precondition(ifMatch: number | undefined): Record<string, string> {
  return ifMatch === undefined ? {} : { 'If-Match': `"${ifMatch}"` };
}

function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

const ProblemFieldsSchema = z.record(z.string(), z.unknown());

/** A problem+json answer as the error it names: a ControlError for control refusals, else an AdminApiError. */
export function refusalOf(status: number, statusText: string, body: unknown): Error {
  // Read leniently: whatever the body is, the status alone still makes a refusal.
  const fields = ProblemFieldsSchema.catch({}).parse(body);
  const { type, title, status: _status, detail, ...details } = fields;
  const code = typeof type === 'string' && type.startsWith(PROBLEM_TYPE_PREFIX) ? type.slice(PROBLEM_TYPE_PREFIX.length) : null;
  const message = typeof detail === 'string' && detail !== '' ? detail : null;
  if (code !== null && message !== null && isControlCode(code)) return new ControlError(code, message, details);
  const what = `admin API answered HTTP ${status} ${typeof title === 'string' ? title : statusText}`.trim();
  return new AdminApiError(status, code, message === null ? what : `${what}: ${message}`);
}

function isControlCode(code: string): code is ControlErrorCode {
  return Object.prototype.hasOwnProperty.call(CONTROL_ERRORS, code);
}
