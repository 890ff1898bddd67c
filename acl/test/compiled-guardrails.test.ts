import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AclTimeoutError, createAcl } from '../index';
import jsonata from 'jsonata';
import { Bailout, compileEvaluator } from '../src/compiler/evaluator';
import { GuardrailTrip, type GuardrailLimits } from '../src/guardrails';
import { LEGACY_BINDINGS } from '../src/legacy-values';
import { LIMITS, pair } from './compiled-kit';
import { ACL_ROOT, NOW, rejection, steppingClock, tempRoot } from './kit';

const LOOP = '($loop := function($n) { $loop($n + 1) }; $loop(0))';
const DEEP = '($deep := function($n) { 1 + $deep($n + 1) }; $deep(0))';
const BIG_MAP = '$sum($map(a, function($v) { $v * 2 }))';

function compiled(source: string, input: unknown, limits: Partial<GuardrailLimits> = {}, clock?: () => number): Promise<unknown> {
  const evaluator = clock ? compileEvaluator(jsonata(source).ast(), { helpers: LEGACY_BINDINGS, bindingNames: ['now', 'millis'] }, clock) : pair(source).compiled;
  return evaluator.evaluate(input, [NOW.toISOString(), undefined], { ...LIMITS, ...limits });
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

describe('guardrails of the compiled evaluator', () => {
  it('stops a tail-recursive loop on its CPU-time budget, parking while it runs; the time others run is not charged', async () => {
    // 10 ms pass on every turn of the event loop while the loop is parked: on wall time it would trip
    // within a few turns; charged only its own time, it needs over 60 of its own readings.
    const clock = steppingClock();
    let readings = 0;
    let turnsSeen = 0;
    let running = true;
    const elsewhere = (): void => {
      clock.advance(10);
      turnsSeen += 1;
      if (running) setImmediate(elsewhere);
    };
    setImmediate(elsewhere);
    const err = await rejection(compiled(LOOP, {}, { timeoutMs: 60, sliceMs: 1 }, () => (readings++, clock.now())));
    running = false;
    expect(err).toBeInstanceOf(GuardrailTrip);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 60 });
    expect(readings).toBeGreaterThan(60);
    expect(turnsSeen).toBeGreaterThan(6);
  });

  it('never runs more than a slice of its clock between two turns of the event loop, on a large page', async () => {
    const source = readFileSync(path.join(ACL_ROOT, 'catalog/product-read.jsonata'), 'utf8');
    const row = { PRD_ID: 1, PRD_SKU: 'S', PRD_NM: 'N', PRD_DSC: null, PRD_PRC: '1.00', PRD_STS: 'A', PRD_UPD_TS: '20200927010726' };
    const page = { PAGE: 1, SIZE: 3_000, TOTAL: 3_000, ROWS: Array.from({ length: 3_000 }, () => row) };
    const clock = steppingClock();
    const marks: number[] = [];
    let running = true;
    const mark = (): void => {
      marks.push(clock.peek());
      if (running) setImmediate(mark);
    };
    setImmediate(mark);
    const answer = await compiled(source, page, { sliceMs: 10 }, clock.now).finally(() => (running = false));
    expect((answer as { items: unknown[] }).items).toHaveLength(3_000);
    expect(marks.length).toBeGreaterThan(4);
    const gaps = marks.slice(1).map((m, i) => m - (marks[i] as number));
    // One slice, and the reading that starts the next one; unsliced, it would be the whole page.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10 + 1);
  });

  it('stops a runaway recursion on the depth limit', async () => {
    expect(await rejection(compiled(DEEP, {}, { maxDepth: 120 }))).toMatchObject({ guardrail: 'depth', limit: 120 });
  });

  it('parks between the items of a long loop and answers the same', async () => {
    const a = Array.from({ length: 50_000 }, (_, i) => i);
    let sum: unknown;
    const count = await probes(async () => (sum = await compiled(BIG_MAP, { a }, { sliceMs: 1 })));
    expect(sum).toBe(50_000 * 49_999);
    expect(count).toBeGreaterThan(2);
  });

  it('parks between the rows of a large page', async () => {
    const source = readFileSync(path.join(ACL_ROOT, 'catalog/product-read.jsonata'), 'utf8');
    const row = { PRD_ID: 1, PRD_SKU: 'S', PRD_NM: 'N', PRD_DSC: null, PRD_PRC: '1.00', PRD_STS: 'A', PRD_UPD_TS: '20200927010726' };
    const page = { PAGE: 1, SIZE: 20_000, TOTAL: 20_000, ROWS: Array.from({ length: 20_000 }, () => row) };
    let answer: unknown;
    const count = await probes(async () => (answer = await compiled(source, page, { sliceMs: 1 })));
    expect((answer as { items: unknown[] }).items).toHaveLength(20_000);
    expect(count).toBeGreaterThan(2);
  });

  it('does not yield with sliceMs 0', async () => {
    const a = Array.from({ length: 20_000 }, (_, i) => i);
    expect(await probes(() => compiled(BIG_MAP, { a }, { sliceMs: 0 }))).toBeLessThanOrEqual(1);
  });

  it('hands a runaway inside one item (a stretch that cannot park) to jsonata instead of holding the event loop', async () => {
    // The stretch is measured in steps, not time: the bail-out comes long before the 60 s budget
    // could run out, and is a Bailout, never the timeout.
    const err = await rejection(compiled(`[a.${LOOP}]`, { a: [1, 2] }, { timeoutMs: 60_000 }));
    expect(err).toBeInstanceOf(Bailout);
  });

  it('such a mapping still ends in AclTimeoutError, on the jsonata path', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': `[a.${LOOP}]` });
    const err = await rejection(createAcl({ root, timeoutMs: 100 }).load('catalog/product-read').evaluate({ a: [1, 2] }, { now: NOW }));
    expect(err).toBeInstanceOf(AclTimeoutError);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 100 });
  });
});
