import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileRouteTable } from '../../src/config/load';
import type { CompiledRoute, CompiledTarget, RouteTable } from '../../src/config/table';
import { Call, type Done, type Outcome, type PendingAnswer, type Step, type TargetPlan } from '../../src/forwarding/policy';
import { GatewayError } from '../../src/http/problems';
import { Exchange } from '../../src/pipeline/exchange';
import type { ResilienceEvent } from '../../src/resilience/events';

/**
 * Policies are tested alone, on a manual clock, against calls that never touch a socket: the
 * exchange is the real one, over stand-ins for the request and the response that record what a
 * policy wrote.
 */

export { manualClock } from '../kit/manual-clock';

/** Every event a policy emitted, as `event subject`. */
export function recordEvents(): { emit(event: ResilienceEvent, subject: string): void; seen: string[] } {
  const seen: string[] = [];
  return { seen, emit: (event, subject) => seen.push(`${event} ${subject}`) };
}

/** A response stand-in: what was written, and whether its head went out. */
export interface FakeResponse {
  headersSent: boolean;
  writableFinished: boolean;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** A table with one route `r` (legacy `old`, new `fresh`), with the route's extra settings. */
export function oneRoute(route: Record<string, unknown> = {}, upstreams: Record<string, unknown> = {}): { table: RouteTable; route: CompiledRoute } {
  const table = compileRouteTable(
    {
      upstreams: { old: { url: 'http://127.0.0.1:1', ...upstreams }, fresh: { url: 'http://127.0.0.1:2', ...upstreams } },
      routes: [{ id: 'r', path: '/r/*', mode: 'new', legacy: { upstream: 'old' }, new: { upstream: 'fresh' }, ...route }, { id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'old' } }],
    },
    'test',
  );
  return { table, route: table.routes.find((r) => r.id === 'r')! };
}

/** A response stand-in that records what was written to it. */
class RecordingResponse extends EventEmitter implements FakeResponse {
  headersSent = false;
  writableFinished = false;
  status = 0;
  headers: Record<string, unknown> = {};
  body = '';

  setHeader(name: string, value: unknown): void {
    this.headers[name.toLowerCase()] = value;
  }

  writeHead(status: number, headers: Record<string, unknown>): void {
    this.status = status;
    Object.assign(this.headers, headers);
    this.headersSent = true;
  }

  end(body?: string | Buffer): void {
    this.body = body === undefined ? '' : String(body);
    this.writableFinished = true;
  }

  destroy(): void {}
}

/** An exchange for one request of `method`, routed to `target`, over a recording response. */
export function exchangeFor(table: RouteTable, route: CompiledRoute, target: CompiledTarget, method = 'GET', headers: Record<string, string> = {}): { x: Exchange; res: FakeResponse } {
  const req = Object.assign(new EventEmitter(), { method, headers, socket: new EventEmitter(), url: '/r/1' }) as unknown as IncomingMessage;
  const response = new RecordingResponse();
  const x = new Exchange(req, response as unknown as ServerResponse, table, []);
  x.route = route;
  x.target = target;
  x.path = '/r/1';
  return { x, res: response };
}

/** A plan whose chain is `run`, for the call's target; `plan.upstream` is the target's. */
export function planFor(route: CompiledRoute, target: CompiledTarget, run: Step = () => undefined): TargetPlan {
  return { routeId: route.id, upstream: target.upstream, instances: undefined as never, policy: target.policy, respond: () => undefined as never, run };
}

export function callFor(x: Exchange, plan: TargetPlan): Call {
  return new Call(x, plan, '/r/1', plan.respond);
}

/** A step that answers each call with the next of `outcomes`, counting the calls. */
export function scripted(...outcomes: Outcome[]): Step & { calls: number } {
  const step = ((_call: Call, done: Done) => {
    const outcome = outcomes[Math.min(step.calls, outcomes.length - 1)] as Outcome;
    step.calls += 1;
    done(outcome);
  }) as Step & { calls: number };
  step.calls = 0;
  return step;
}

export const answered = (status: number): Outcome => ({ kind: 'answered', status, error: null });
export const gone: Outcome = { kind: 'answered', status: null, error: null };

export function failed(failure: 'connect' | 'reset' | 'timeout', code: 'upstream-unreachable' | 'upstream-reset' | 'upstream-timeout' = 'upstream-unreachable'): Outcome {
  return { kind: 'failed', failure, error: new GatewayError(code, 'down', { upstream: 'fresh' }), answer: null };
}

/** A held 5xx answer that records what became of it. */
export function held(status: number, retryAfter?: string): Outcome & { answer: PendingAnswer & { fate: string } } {
  const answer = { status, retryAfter, fate: 'pending', commit: () => (answer.fate = 'committed'), discard: () => (answer.fate = 'discarded') };
  return { kind: 'failed', failure: 'status', error: new GatewayError('upstream-error', `answered ${status}`), answer };
}

/** Runs a policy over a step and resolves with its outcome. */
export function run(policy: { run(call: Call, next: Step, done: Done): void }, call: Call, next: Step): Promise<Outcome> {
  return new Promise((resolve) => policy.run(call, next, resolve));
}
