import type { Instance } from '../../../src/forwarding/instances/instance';
import { setOf, upstreamOf } from './kit';

/** Sends one request through the set and ends it with `verdict`; returns the instance it went to. */
function request(set: ReturnType<typeof setOf>['set'], verdict: 'success' | 'failure' | 'neutral', avoid: Instance | null = null): Instance {
  const instance = set.pick(avoid)!;
  set.started(instance);
  set.finished(instance, verdict);
  return instance;
}

describe('an upstream’s instances', () => {
  it('ejects an instance after its failures in a row, for a time that grows with each ejection, and takes it back through one trial', () => {
    const { set, lines, advance } = setOf(upstreamOf(4, { outlier: { consecutiveFailures: 3, baseEjectionMs: 1_000 } }), () => 0);
    const [bad] = set.list() as Instance[];
    for (let i = 0; i < 3; i++) {
      set.started(bad!);
      set.finished(bad!, 'failure');
    }
    expect(set.views()[0]).toMatchObject({ instance: '127.0.0.1:4001', state: 'ejected', ejections: 1, why: '3 failures in a row' });
    expect(lines).toEqual(['instance ejected 127.0.0.1:4001']);
    // While ejected it is never picked.
    for (let i = 0; i < 20; i++) expect(set.pick(null)).not.toBe(bad);
    advance(1_000);
    expect(set.views()[0]!.state).toBe('trial');
    // One trial request at a time: while it runs, the instance takes nothing else.
    const trial = set.list().find((i) => i === bad)!;
    set.started(trial);
    for (let i = 0; i < 20; i++) expect(set.pick(null)).not.toBe(bad);
    set.finished(trial, 'failure');
    expect(set.views()[0]).toMatchObject({ state: 'ejected', ejections: 2, why: 'its trial request failed' });
    advance(1_999);
    expect(set.views()[0]!.state).toBe('ejected');
    advance(1);
    set.started(trial);
    set.finished(trial, 'success');
    expect(set.views()[0]!.state).toBe('healthy');
    expect(lines.at(-1)).toBe('instance returned 127.0.0.1:4001');
  });

  it('never ejects more than maxEjectedPercent of the instances', () => {
    const { set } = setOf(upstreamOf(4, { outlier: { consecutiveFailures: 1, maxEjectedPercent: 50 } }));
    for (const instance of [...set.list()]) {
      set.started(instance);
      set.finished(instance, 'failure');
    }
    expect(set.views().filter((v) => v.state === 'ejected')).toHaveLength(2);
  });

  it('tries every instance when all look down (panic mode) rather than refusing', () => {
    const { set } = setOf(upstreamOf(2, { outlier: { consecutiveFailures: 1, maxEjectedPercent: 100 } }));
    for (const instance of [...set.list()]) {
      set.started(instance);
      set.finished(instance, 'failure');
    }
    expect(set.views().every((v) => v.state === 'ejected')).toBe(true);
    expect(set.pick(null)).not.toBeNull();
  });

  it('sends a retry to another instance when there is one', () => {
    const { set } = setOf(upstreamOf(3));
    for (let i = 0; i < 30; i++) {
      const first = set.pick(null)!;
      expect(set.pick(first)).not.toBe(first);
    }
    const single = setOf(upstreamOf(1)).set;
    const only = single.pick(null)!;
    expect(single.pick(only)).toBe(only);
  });

  it('counts neither a client that left nor a refusal against an instance', () => {
    const { set } = setOf(upstreamOf(2, { outlier: { consecutiveFailures: 2 } }));
    const instance = set.list()[0]!;
    for (let i = 0; i < 5; i++) {
      set.started(instance);
      set.finished(instance, 'neutral');
    }
    expect(set.views()[0]!.state).toBe('healthy');
  });

  it('keeps what it learned of an instance a reload keeps, adds new ones, and drains removed ones after their requests', () => {
    const upstream = upstreamOf(2);
    const { set, lines } = setOf(upstream);
    const [a, b] = set.list() as Instance[];
    set.started(b!);
    set.update([upstream.instances[0]!, { ...upstream.instances[1]!, key: '127.0.0.1:4009', origin: { ...upstream.instances[1]!.origin, port: 4009, origin: 'http://127.0.0.1:4009' } }]);
    expect(set.list()[0]).toBe(a);
    expect(set.views().map((v) => `${v.instance} ${v.state}`)).toEqual(['127.0.0.1:4001 healthy', '127.0.0.1:4009 healthy', '127.0.0.1:4002 draining']);
    for (let i = 0; i < 20; i++) expect(set.pick(null)).not.toBe(b);
    set.finished(b!, 'success');
    expect(set.views().map((v) => v.instance)).toEqual(['127.0.0.1:4001', '127.0.0.1:4009']);
    expect(lines).toEqual(['instance added 127.0.0.1:4009', 'instance draining 127.0.0.1:4002']);
  });
});
