import jsonata from 'jsonata';
import { CpuMeter } from '../src/cpu-meter';
import { GuardrailTrip, installGuardrails, type GuardrailLimits } from '../src/guardrails';
import { rejection, steppingClock } from './kit';

const LOOP = '($loop := function($n) { $loop($n + 1) }; $loop(0))';
const DEEP = '($deep := function($n) { 1 + $deep($n + 1) }; $deep(0))';
const LONG = '$reduce([1..20000], function($a, $b) { $a + $b })';

function guarded(source: string, limits: Partial<GuardrailLimits>, fast: boolean, clock?: () => number, meter?: CpuMeter): jsonata.Expression {
  const expr = jsonata(source);
  installGuardrails(expr, { timeoutMs: 5000, maxDepth: 300, sliceMs: 1, ...limits }, { fast, ...(clock ? { clock } : {}), ...(meter ? { meter } : {}) });
  return expr;
}

/** Runs `work` while a setImmediate chain marks each turn of the event loop with the clock's time. */
async function turns(clock: { peek(): number }, work: () => Promise<unknown>): Promise<number[]> {
  const marks: number[] = [];
  let running = true;
  const probe = (): void => {
    marks.push(clock.peek());
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  try {
    await work();
  } finally {
    running = false;
  }
  return marks;
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
  it('stops a non-terminating loop on the timeout: at the first reading of its clock past it, not before', async () => {
    // The clock is read on every step and moves 1 ms a reading; no slice ends, so every step is charged.
    const clock = steppingClock();
    const readings: number[] = [];
    const read = (): number => readings[readings.push(clock.now()) - 1] as number;
    const err = await rejection(guarded(LOOP, { timeoutMs: 60, sliceMs: 1_000_000 }, fast, read).evaluate({}));
    expect(err).toBeInstanceOf(GuardrailTrip);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 60 });
    // The first reading starts the evaluation; the 61st after it is the first with more than 60 ms charged.
    expect(readings.length).toBe(1 + 61);
  });

  it('does not count the time it spends parked (others running) against its budget: the budget is CPU time', async () => {
    // 10 ms pass on every turn of the event loop while the loop is parked: on wall time it would
    // reach its 60 ms within a few turns; counted on its own time it needs over 60 of its own readings.
    const clock = steppingClock();
    let readings = 0;
    let turnsSeen = 0;
    let running = true;
    const elsewhere = (): void => {
      clock.advance(10);
      turnsSeen += 1;
      if (running) setImmediate(elsewhere);
    };
    const expr = guarded(LOOP, { timeoutMs: 60, sliceMs: 5 }, fast, () => (readings++, clock.now()));
    setImmediate(elsewhere);
    const err = await rejection(expr.evaluate({}));
    running = false;
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 60 });
    expect(readings).toBeGreaterThan(60);
    expect(turnsSeen * 10).toBeGreaterThan(60); // the time others had would have tripped a wall-clock budget
  });

  it('charges each of two evaluations running side by side only its own steps', async () => {
    // Two runaway loops interleave step by step on one thread and one clock: on wall time both trip
    // after about 60 readings in all; charged their own steps, they need about 60 each.
    const clock = steppingClock();
    let readings = 0;
    const meter = new CpuMeter();
    const expr = guarded(LOOP, { timeoutMs: 60, sliceMs: 1_000_000 }, fast, () => (readings++, clock.now()), meter);
    const errs = await Promise.all([rejection(expr.evaluate({})), rejection(expr.evaluate({}))]);
    expect(errs).toEqual([expect.objectContaining({ guardrail: 'timeout' }), expect.objectContaining({ guardrail: 'timeout' })]);
    expect(readings).toBeGreaterThanOrEqual(2 * 60);
  });

  it('never runs more than a slice of its clock between two turns of the event loop', async () => {
    const clock = steppingClock();
    let sum: unknown;
    const marks = await turns(clock, async () => (sum = await guarded(LONG, { sliceMs: 10, timeoutMs: 1e9 }, fast, clock.now).evaluate({})));
    expect(sum).toBe((20000 * 20001) / 2);
    expect(marks.length).toBeGreaterThan(4);
    const gaps = marks.slice(1).map((m, i) => m - (marks[i] as number));
    // One slice, and the reading that starts the next one; unsliced, it would be the whole evaluation.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10 + 1);
  });

  it('stops a runaway recursion on the depth limit', async () => {
    const err = await rejection(guarded(DEEP, { maxDepth: 120 }, fast).evaluate({}));
    expect(err).toMatchObject({ guardrail: 'depth', limit: 120 });
  });

  it('yields to the event loop while it runs, and answers the same', async () => {
    // Not about the budget: none, so that a machine too busy to give the loop its core cannot trip one (the budget counts held event-loop time).
    const expr = guarded(LONG, { timeoutMs: 1e9 }, fast);
    let sum: unknown;
    const count = await probes(async () => (sum = await expr.evaluate({})));
    expect(sum).toBe((20000 * 20001) / 2);
    expect(count).toBeGreaterThan(4);
  });

  it('does not yield with sliceMs 0', async () => {
    const expr = guarded(LONG, { sliceMs: 0, timeoutMs: 1e9 }, fast);
    expect(await probes(() => expr.evaluate({}))).toBeLessThanOrEqual(1);
  });

  it('guards every evaluation of one expression, one after the other and side by side', async () => {
    // Small fine evaluations beside a looping one: each is charged only its own time.
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
    const expr = guarded(`{"a": ${branch}, "b": [${branch}, ${branch}], "c": ${branch}}`, { timeoutMs: 1e9 }, fast);
    let answer: unknown;
    const count = await probes(async () => (answer = await expr.evaluate({})));
    expect(answer).toEqual({ a: 8002000, b: [8002000, 8002000], c: 8002000 });
    expect(count).toBeGreaterThan(4);
  });
});
