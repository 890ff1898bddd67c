import { Breaker, type Admission } from '../../src/resilience/breaker';
import { BreakerSchema } from '../../src/config/resilience-schema';
import { manualClock } from '../kit/manual-clock';

/** The breaker's timing, on an injected clock: no waiting, no wall-clock thresholds. */
const config = (over: Record<string, unknown> = {}) => BreakerSchema.parse({ consecutiveFailures: 3, openMs: 5_000, halfOpenProbes: 2, ...over });

function admitted(a: Admission) {
  if (!a.ok) throw new Error('expected the call to be let through');
  return a.permit;
}

describe('the circuit breaker', () => {
  it('opens after the threshold of failures in a row and fails fast with the time until it half-opens', () => {
    const clock = manualClock();
    const b = new Breaker('app', config(), clock.now);
    admitted(b.admit()).failure();
    admitted(b.admit()).failure();
    expect(b.state).toBe('closed');
    admitted(b.admit()).failure();
    expect(b.state).toBe('open');
    clock.advance(1_500);
    expect(b.admit()).toEqual({ ok: false, retryAfterMs: 3_500 });
  });

  it('a success in between resets the count', () => {
    const b = new Breaker('app', config(), manualClock().now);
    admitted(b.admit()).failure();
    admitted(b.admit()).failure();
    admitted(b.admit()).success();
    admitted(b.admit()).failure();
    admitted(b.admit()).failure();
    expect(b.state).toBe('closed');
  });

  it('half-opens after its delay, lets a few probes through, and closes after a success', () => {
    const clock = manualClock();
    const b = new Breaker('app', config(), clock.now);
    for (let i = 0; i < 3; i += 1) admitted(b.admit()).failure();
    clock.advance(4_999);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(b.state).toBe('half-open');
    const first = admitted(b.admit());
    admitted(b.admit());
    expect(b.admit().ok).toBe(false);
    first.success();
    expect(b.state).toBe('closed');
    expect(b.admit().ok).toBe(true);
  });

  it('a failed probe opens it again for another full delay', () => {
    const clock = manualClock();
    const b = new Breaker('app', config(), clock.now);
    for (let i = 0; i < 3; i += 1) admitted(b.admit()).failure();
    clock.advance(5_000);
    admitted(b.admit()).failure();
    expect(b.state).toBe('open');
    expect(b.admit()).toEqual({ ok: false, retryAfterMs: 5_000 });
  });

  it('a probe whose client left frees its slot without deciding', () => {
    const clock = manualClock();
    const b = new Breaker('app', config({ halfOpenProbes: 1 }), clock.now);
    for (let i = 0; i < 3; i += 1) admitted(b.admit()).failure();
    clock.advance(5_000);
    admitted(b.admit()).release();
    expect(b.state).toBe('half-open');
    expect(b.admit().ok).toBe(true);
  });

  it('opens on a failure rate over its window even without failures in a row', () => {
    const b = new Breaker('app', config({ consecutiveFailures: 100, failureRate: 0.5, window: 10, minimumCalls: 10 }), manualClock().now);
    for (let i = 0; i < 10; i += 1) {
      const p = admitted(b.admit());
      if (i % 3 === 2) p.success();
      else p.failure();
    }
    expect(b.state).toBe('open');
  });

  it('a call admitted before the circuit opened cannot close it', () => {
    const clock = manualClock();
    const b = new Breaker('app', config(), clock.now);
    const late = admitted(b.admit());
    for (let i = 0; i < 3; i += 1) admitted(b.admit()).failure();
    clock.advance(5_000);
    late.success();
    expect(b.state).toBe('half-open');
  });

  it('when disabled, always lets calls through', () => {
    const b = new Breaker('app', config({ enabled: false }), manualClock().now);
    for (let i = 0; i < 10; i += 1) admitted(b.admit()).failure();
    expect(b.admit().ok).toBe(true);
  });
});
