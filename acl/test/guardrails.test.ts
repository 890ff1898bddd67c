import jsonata from 'jsonata';
import { GuardrailTrip, installGuardrails, type GuardrailLimits } from '../src/guardrails';
import { rejection } from './kit';

const LOOP = '($loop := function($n) { $loop($n + 1) }; $loop(0))';
const DEEP = '($deep := function($n) { 1 + $deep($n + 1) }; $deep(0))';
const LONG = '$reduce([1..20000], function($a, $b) { $a + $b })';

function guarded(source: string, limits: Partial<GuardrailLimits>, fast: boolean): jsonata.Expression {
  const expr = jsonata(source);
  installGuardrails(expr, { timeoutMs: 5000, maxDepth: 300, sliceMs: 1, ...limits }, { fast });
  return expr;
}

/** How many times a setImmediate chain ran while `work` did. */
async function probes(work: () => Promise<unknown>): Promise<number> {
  let count = 0;
  let running = true;
  const probe = (): void => {
    count += 1;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  try {
    await work();
  } finally {
    running = false;
  }
  return count;
}

describe('the frame members the fast path relies on (jsonata 2.x)', () => {
  it('hands the hook a base frame with depth, a synchronous guardrails() and bind()', async () => {
    const expr = jsonata('1 + 1');
    let base: Record<string, unknown> | undefined;
    (expr.assign as unknown as (n: symbol, v: unknown) => void)(Symbol.for('jsonata.__evaluate_entry'), (_e: unknown, _i: unknown, frame: { base: Record<string, unknown> }) => {
      base = frame.base;
    });
    await expr.evaluate({});
    expect(typeof base?.['depth']).toBe('number');
    expect(typeof base?.['guardrails']).toBe('function');
    expect(typeof base?.['bind']).toBe('function');
  });
});

describe.each([
  ['fast path (checks in base.guardrails)', true],
  ['plain path (hook on every step)', false],
])('guardrails, %s', (_name, fast) => {
  it('stops a non-terminating loop on the timeout', async () => {
    const started = performance.now();
    const err = await rejection(guarded(LOOP, { timeoutMs: 60 }, fast).evaluate({}));
    expect(err).toBeInstanceOf(GuardrailTrip);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 60 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('stops a runaway recursion on the depth limit', async () => {
    const err = await rejection(guarded(DEEP, { maxDepth: 120 }, fast).evaluate({}));
    expect(err).toMatchObject({ guardrail: 'depth', limit: 120 });
  });

  it('yields to the event loop while it runs, and answers the same', async () => {
    const expr = guarded(LONG, {}, fast);
    let sum: unknown;
    const count = await probes(async () => (sum = await expr.evaluate({})));
    expect(sum).toBe((20000 * 20001) / 2);
    expect(count).toBeGreaterThan(4);
  });

  it('does not yield with sliceMs 0', async () => {
    const expr = guarded(LONG, { sliceMs: 0 }, fast);
    expect(await probes(() => expr.evaluate({}))).toBeLessThanOrEqual(1);
  });

  it('guards every evaluation of one expression, one after the other and side by side', async () => {
    // Small fine evaluations: the budget counts wall time, parked time included, and these share the CPU
    // with the looping one and, in CI, with other test files; the budget leaves room for that.
    const expr = guarded('loop ? ' + LOOP + ' : $reduce([1..300], function($a, $b) { $a + $b })', { timeoutMs: 1000 }, fast);
    expect(await expr.evaluate({ loop: false })).toBe(45150);
    expect(await rejection(expr.evaluate({ loop: true }))).toMatchObject({ guardrail: 'timeout' });
    const looping = rejection(expr.evaluate({ loop: true }));
    const fine = await Promise.all(Array.from({ length: 10 }, () => expr.evaluate({ loop: false })));
    expect(fine).toEqual(Array.from({ length: 10 }, () => 45150));
    expect(await looping).toMatchObject({ guardrail: 'timeout' });
    expect(await expr.evaluate({ loop: false })).toBe(45150);
  });

  it('parks every concurrent branch of one evaluation together (object and array constructors)', async () => {
    const branch = '$reduce([1..4000], function($a, $b) { $a + $b })';
    const expr = guarded(`{"a": ${branch}, "b": [${branch}, ${branch}], "c": ${branch}}`, {}, fast);
    let answer: unknown;
    const count = await probes(async () => (answer = await expr.evaluate({})));
    expect(answer).toEqual({ a: 8002000, b: [8002000, 8002000], c: 8002000 });
    expect(count).toBeGreaterThan(4);
  });
});
