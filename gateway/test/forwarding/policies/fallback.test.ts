import { FallbackPolicy, type FallbackDeps } from '../../../src/forwarding/policies/fallback';
import type { Call } from '../../../src/forwarding/policy';
import type { CompiledRoute } from '../../../src/config/table';
import { answered, exchangeFor, callFor, failed, held, oneRoute, planFor, recordEvents, run } from '../kit';

describe('FallbackPolicy', () => {
  const staticRoute = oneRoute({ resilience: { fallback: { status: 200, json: { items: [], stale: true } } } });

  function deps(route: CompiledRoute, legacyAnswers = answered(200)): FallbackDeps & { sentTo: string[] } {
    const sentTo: string[] = [];
    return {
      sentTo,
      planFor: (t) => planFor(route, t, (_call, done) => done(legacyAnswers)),
      sent: (call: Call) => sentTo.push(call.plan.upstream.name),
      events: recordEvents(),
    };
  }

  it('answers a failed GET with the route’s fixed body, marked with the reason', async () => {
    const { table, route } = staticRoute;
    const { x, res } = exchangeFor(table, route, route.new!);
    const d = deps(route);
    const policy = new FallbackPolicy(route.id, route.fallback, null, d);
    const primary = held(503);
    const outcome = await run(policy, callFor(x, planFor(route, route.new!)), (_c, done) => done(primary));
    expect(outcome).toEqual(answered(200));
    expect(primary.answer.fate).toBe('discarded');
    expect(res.headers['x-strangler-fallback']).toBe('upstream-error');
    expect(JSON.parse(res.body)).toEqual({ items: [], stale: true });
  });

  it('passes the failure of a write on: an answer to a write must come from whoever did it', async () => {
    const { table, route } = staticRoute;
    const { x, res } = exchangeFor(table, route, route.new!, 'POST');
    const failure = failed('connect');
    const outcome = await run(new FallbackPolicy(route.id, route.fallback, null, deps(route)), callFor(x, planFor(route, route.new!)), (_c, done) => done(failure));
    expect(outcome).toBe(failure);
    expect(res.headersSent).toBe(false);
  });

  it('sends a GET that new failed to legacy once, through legacy’s own plan, and says where it fell back from', async () => {
    const { table, route } = oneRoute({ fallbackToLegacy: true });
    const { x } = exchangeFor(table, route, route.new!);
    x.fallback = route.legacy;
    const d = deps(route, answered(203));
    const outcome = await run(new FallbackPolicy(route.id, null, null, d), callFor(x, planFor(route, route.new!)), (_c, done) => done(failed('connect')));
    expect(outcome).toEqual(answered(203));
    expect(d.sentTo).toEqual(['old']);
    expect(x.fellBackFrom).toBe('fresh (upstream-unreachable)');
    expect(x.fallback).toBeNull();
  });

  it('does nothing once the answer has begun, or when the route has no fallback', async () => {
    const { table, route } = staticRoute;
    const started = exchangeFor(table, route, route.new!);
    started.res.headersSent = true;
    const failure = failed('reset', 'upstream-reset');
    expect(await run(new FallbackPolicy(route.id, route.fallback, null, deps(route)), callFor(started.x, planFor(route, route.new!)), (_c, done) => done(failure))).toBe(failure);
    const bare = oneRoute();
    const plain = exchangeFor(bare.table, bare.route, bare.route.new!);
    expect(await run(new FallbackPolicy(bare.route.id, null, null, deps(bare.route)), callFor(plain.x, planFor(bare.route, bare.route.new!)), (_c, done) => done(failure))).toBe(failure);
  });
});
