import { ControlError } from '../../../src/control/errors';
import { RolloutBench, ROUTE, rolloutTable } from './kit';

/**
 * Rollouts from the specification of issue 18, on a real store with the injected clock: every
 * interval is a tick the test makes after moving the clock, never a wait.
 */

const S = 1_000;
const plan = { steps: [50, 100], interval: '3s', minRequests: 20 };

describe('an automatic rollout', () => {
  let bench: RolloutBench;
  afterEach(() => bench.close());

  it('advances through every step on clean evidence: legacy → shadow → canary 50% → new, each step an audit entry by rollout with its numbers', async () => {
    bench = await RolloutBench.open(rolloutTable({ steps: [5, 25, 50, 100], interval: '3s', minRequests: 20 }));
    const started = await bench.control.rolloutStart(ROUTE, { reason: 'clean data', actor: 'alice' }, 'test');
    expect(started.rollout).toMatchObject({ state: 'running', step: { index: 0, of: 4, route: { mode: 'shadow' } }, plan: { steps: [5, 25, 50, 100], intervalMs: 3000, minRequests: 20 } });
    expect(await bench.routeState()).toBe('shadow');

    // Shadow: the Wilson lower bound of 200/200 is 98.1%, above the gate's 95%.
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('canary 5%');
    for (const [percent, next] of [[5, 'canary 25%'], [25, 'canary 50%'], [50, 'new']] as const) {
      await bench.canaryTraffic('new', 30);
      await bench.canaryTraffic('legacy', 30);
      await bench.after(3 * S);
      expect([percent, await bench.routeState()]).toEqual([percent, next]);
    }
    const done = await bench.status();
    expect(done).toMatchObject({ state: 'done', step: { index: 4, of: 4, route: { mode: 'new' } }, nextAnalysisAt: null });
    expect(done.note).toContain("retiring it stays a person's step");

    const history = await bench.control.history(ROUTE);
    expect(history.map((e) => [e.actor, e.from.mode, e.to.mode])).toEqual([
      ['rollout', 'canary', 'new'],
      ['rollout', 'canary', 'canary'],
      ['rollout', 'canary', 'canary'],
      ['rollout', 'shadow', 'canary'],
      ['rollout', 'legacy', 'shadow'],
    ]);
    expect(history[3]!.reason).toMatch(/step 0 of 4 \(shadow\) passed, on to step 1 of 4 \(canary 5%\): pass: match-rate pass \(200\/200 matching \(100\.0%\), lower bound 98\.1% ≥ 95\.0%\); new-error-rate pass \(0\/200 failed/);
    expect(history[0]!.reason).toMatch(/error-rate pass \(0\/30 failed \(0\.0%\) ≤ 1\.0% \(legacy 0% of 30 \+ 1%\)\); p99-latency pass \(new p99 [\d.]+ ms ≤ 50 ms/);
    expect(history.every((e) => e.via.startsWith(`rollout #${done.id}`))).toBe(true);
    // One log line per analysis.
    expect(bench.log.lines.filter((l) => l.message === 'rollout analysis')).toHaveLength(4);
  });

  it('waits on too little traffic and says so, then pauses for a person; resume carries on', async () => {
    bench = await RolloutBench.open(rolloutTable({ ...plan, pauseAfterNoData: 3 }));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(5);
    await bench.after(3 * S);
    let r = await bench.status();
    expect(r).toMatchObject({ state: 'waiting-for-data', waits: 1, lastAnalysis: { verdict: 'no-data' } });
    expect(r.lastAnalysis!.checks[0]!.detail).toBe('5/5 matching, 5 of the 20 requests needed');
    expect(r.nextAnalysisAt).toBe(new Date(bench.now + 3 * S).toISOString());
    // Not due yet: a tick before the interval is up changes nothing.
    await bench.after(1 * S);
    expect((await bench.status()).waits).toBe(1);
    await bench.after(2 * S);
    await bench.after(3 * S);
    r = await bench.status();
    expect(r).toMatchObject({ state: 'paused', waits: 3, nextAnalysisAt: null });
    expect(r.note).toMatch(/^paused after 3 analyses in a row without a decision \(no-data\) at step 0 of 2 \(shadow\)/);
    // Paused: no analysis, whatever the clock says.
    await bench.shadowTraffic(200);
    await bench.after(60 * S);
    expect((await bench.status()).state).toBe('paused');
    expect(await bench.routeState()).toBe('shadow');

    await bench.control.rolloutResume(ROUTE, { reason: 'traffic is back' }, 'test');
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('canary 50%');
    expect((await bench.status()).events.map((e) => e.kind)).toEqual(['started', 'paused', 'resumed', 'step']);
  });

  it('an undecided bound waits (inconclusive) rather than passing or failing', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    // 24/25 matching: the interval 80.5%–99.3% spans the 95% gate.
    await bench.shadowTraffic(24, 1);
    await bench.after(3 * S);
    expect(await bench.status()).toMatchObject({ state: 'waiting-for-data', lastAnalysis: { verdict: 'inconclusive' } });
    await bench.shadowTraffic(300);
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('canary 50%');
  });

  it('a planted difference fails the shadow analysis: the rollout ends rolled-back and the route stays in shadow', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(150, 50);
    await bench.after(3 * S);
    const r = await bench.status();
    expect(r.state).toBe('rolled-back');
    expect(r.lastAnalysis!.checks[0]).toMatchObject({ name: 'match-rate', verdict: 'fail', threshold: 0.95 });
    expect(r.lastAnalysis!.checks[0]!.detail).toMatch(/^150\/200 matching \(75\.0%\), upper bound 80\.5% < 95\.0%$/);
    expect(await bench.routeState()).toBe('shadow');
  });

  it('fails at once when the failures already decide it, whatever the sample size (a new side that errors is not "no data")', async () => {
    bench = await RolloutBench.open(rolloutTable({ ...plan, minRequests: 100 }));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(3, 0, 6);
    await bench.after(3 * S);
    const r = await bench.status();
    expect(r.state).toBe('rolled-back');
    expect(r.lastAnalysis!.checks[1]).toMatchObject({ name: 'new-error-rate', verdict: 'fail' });
    expect(r.lastAnalysis!.checks[1]!.detail).toBe('6/9 failed: even if the next 91 succeeded, 6.0% would exceed 5.0%');
  });

  it('new-side errors fail a canary step and roll it back to shadow, with the evidence in the audit', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('canary 50%');
    await bench.canaryTraffic('legacy', 40);
    await bench.canaryTraffic('new', 25);
    await bench.canaryTraffic('new', 5, { status: 502 });
    await bench.canaryTraffic('new', 2, { status: 200, fellBack: true });
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('shadow');
    const r = await bench.status();
    expect(r).toMatchObject({ state: 'rolled-back', lastAnalysis: { verdict: 'fail', step: 1, sample: { fresh: { requests: 32, failures: 7 }, legacy: { requests: 40, failures: 0 } } } });
    // Its status holds the route where the rollback put it; the note names the step that failed.
    expect(r.step).toMatchObject({ index: 0, route: { mode: 'shadow' } });
    expect(r.note).toMatch(/^rolled back at step 1 of 2 \(canary 50%\): fail: /);
    const [rollback] = await bench.control.history(ROUTE, 1);
    expect(rollback).toMatchObject({ actor: 'rollout', from: { mode: 'canary', percent: 50 }, to: { mode: 'shadow' } });
    expect(rollback!.reason).toMatch(/^rollout #\d+ rolled back at step 1 of 2 \(canary 50%\): fail: error-rate fail \(7\/32 failed \(21\.9%\) > 1\.0% \(legacy 0% of 40 \+ 1%\)\); p99-latency pass \(new p99 [\d.]+ ms ≤ 50 ms/);
  });

  it('a slow new side fails on its p99 against legacy', async () => {
    bench = await RolloutBench.open(rolloutTable({ ...plan, canary: { maxP99Factor: 1.5, p99FloorMs: 50 } }));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    await bench.canaryTraffic('legacy', 40, { ms: 90 });
    await bench.canaryTraffic('new', 40, { ms: 400 });
    await bench.after(3 * S);
    const r = await bench.status();
    expect(r.lastAnalysis!.checks[1]).toMatchObject({ name: 'p99-latency', verdict: 'fail' });
    expect(r.state).toBe('rolled-back');
  });

  it('a manual flip of a route under a rollout aborts the rollout first, and says so', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    const { rollout } = await bench.control.rolloutStart(ROUTE, {}, 'test');
    const flip = await bench.control.flip(ROUTE, { to: 'legacy', reason: 'not today', actor: 'bob' }, 'test');
    expect(flip.abortedRollout).toBe(rollout.id);
    const r = await bench.status();
    expect(r).toMatchObject({ state: 'aborted', nextAnalysisAt: null });
    expect(r.note).toBe('aborted: bob flipped the route by hand (shadow → legacy: not today)');
    // The driver leaves an aborted rollout alone.
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('legacy');
    // A new rollout may start now; a second one at once may not.
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await expect(bench.control.rolloutStart(ROUTE, {}, 'test')).rejects.toMatchObject({ code: 'rollout-running' });
    const rollback = await bench.control.rollback(ROUTE, { actor: 'carol' }, 'test');
    expect(rollback.abortedRollout).toBeDefined();
  });

  it('a refused flip leaves the rollout running', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await expect(bench.control.flip(ROUTE, { to: 'retired', reason: 'oops' }, 'test')).rejects.toBeInstanceOf(ControlError);
    expect((await bench.status()).state).toBe('running');
  });

  it('pause, resume and abort; abort leaves the route where it is', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.control.rolloutPause(ROUTE, { reason: 'lunch', actor: 'dana' }, 'test');
    await expect(bench.control.rolloutPause(ROUTE, {}, 'test')).rejects.toMatchObject({ code: 'rollout-state' });
    expect((await bench.status()).note).toBe('paused by dana: lunch');
    await bench.control.rolloutResume(ROUTE, {}, 'test');
    await expect(bench.control.rolloutResume(ROUTE, {}, 'test')).rejects.toMatchObject({ code: 'rollout-state' });
    const aborted = await bench.control.rolloutAbort(ROUTE, { actor: 'dana' }, 'test');
    expect(aborted.rollout).toMatchObject({ state: 'aborted', note: 'aborted by dana; the route stays in shadow' });
    expect(await bench.routeState()).toBe('shadow');
    await expect(bench.control.rolloutAbort(ROUTE, {}, 'test')).rejects.toMatchObject({ code: 'no-rollout' });
  });

  it('refuses what cannot be rolled out', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await expect(bench.control.rolloutStart('legacy-only', {}, 'test')).rejects.toMatchObject({ code: 'illegal-move' });
    await expect(bench.control.rolloutStart('nope', {}, 'test')).rejects.toMatchObject({ code: 'unknown-route' });
    await expect(bench.control.rolloutStart(ROUTE, { steps: [50, 20] }, 'test')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(bench.control.rolloutStatus(ROUTE)).rejects.toMatchObject({ code: 'no-rollout' });
    await bench.control.flip(ROUTE, { to: 'shadow', reason: 'x' }, 'test');
    await bench.control.flip(ROUTE, { to: 'canary', percent: 10, reason: 'x', force: true }, 'test');
    await bench.control.flip(ROUTE, { to: 'new', reason: 'x', force: true }, 'test');
    await expect(bench.control.rolloutStart(ROUTE, {}, 'test')).rejects.toMatchObject({ code: 'illegal-move' });
  });

  it('starts from a canary share between steps and takes the next step above it', async () => {
    bench = await RolloutBench.open(rolloutTable({ ...plan, steps: [5, 25, 50, 100] }));
    await bench.control.flip(ROUTE, { to: 'shadow', reason: 'x' }, 'test');
    await bench.control.flip(ROUTE, { to: 'canary', percent: 10, reason: 'x', force: true }, 'test');
    const { rollout } = await bench.control.rolloutStart(ROUTE, {}, 'test');
    expect(rollout.step).toMatchObject({ index: 1, of: 4, route: { mode: 'canary', percent: 10 }, baseline: { phase: 'canary' } });
    await bench.canaryTraffic('new', 30);
    await bench.canaryTraffic('legacy', 30);
    await bench.after(3 * S);
    expect(await bench.routeState()).toBe('canary 25%');
  });
});
