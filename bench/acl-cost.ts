/**
 * The ACL's own cost, measured through its public entry (in a process of its own: acl-cost-child.ts): what one catalog
 * page costs per item, and how long a large page holds the event loop (the ACL time-slices long
 * evaluations, yielding every few milliseconds; the longest gap is what this reports).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { contractValidator, createAcl, type AclMapping } from '../acl';
import { ProductPageSchema } from '../new-services/catalog/src/contract';
import { handwrittenProductRead } from './handwritten-product-read';
import type { LegacyProductPage } from './legacy-page';
import { median } from './stats';

export const ACL_MAPPING = 'catalog/product-read';

/** Enough for the large page to finish: its cost is what we measure, not whether the gateway's budget refuses it. */
const LARGE_PAGE_BUDGET_MS = 60_000;

export interface PerItemCost {
  items: number;
  runs: number;
  warmups: number;
  /** Median over the runs of (one evaluation's time ÷ items). */
  usPerItem: number;
}

/** One page's (parse, map, validate, stringify), by hand and through the ACL, in the same process and rounds. */
export interface HandwrittenCost {
  rounds: number;
  pagesPerRound: number;
  /** Median over the rounds, microseconds a page. */
  handwrittenUs: number;
  aclUs: number;
  /** handwrittenUs / aclUs (median of the per-round ratios): 1 means the ACL costs what hand-written code costs. */
  ratio: number;
}

export interface LargePageCost {
  items: number;
  ms: number;
  /** Largest event-loop delay seen while the page translated (1 ms resolution). */
  eventLoopMaxMs: number;
}

/** Pure: the median per-run cost of one item, in microseconds. */
export function usPerItem(runMs: readonly number[], items: number): number {
  return median(runMs.map((ms) => (ms * 1000) / items));
}

/** Evaluates `page` `warmups` times untimed, then `runs` times timed one by one. */
export async function measurePerItem(page: LegacyProductPage, runs: number, warmups: number): Promise<PerItemCost> {
  // The gateway's configuration: default guardrails, which are part of the per-item cost.
  const mapping = createAcl().load(ACL_MAPPING);
  const text = JSON.stringify(page);
  for (let i = 0; i < warmups; i += 1) await translate(mapping, JSON.parse(text), page.ROWS.length);
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    // A fresh parse per run, as the gateway gets; the parse itself is outside the timer.
    const input: unknown = JSON.parse(text);
    const start = performance.now();
    await translate(mapping, input, page.ROWS.length);
    times.push(performance.now() - start);
  }
  return { items: page.ROWS.length, runs, warmups, usPerItem: usPerItem(times, page.ROWS.length) };
}

/**
 * The ACL against catalog/product-read written by hand (bench/handwritten-product-read.ts), both
 * checked by the same compiled validator (the ACL's, from ProductPageSchema): in rounds where each
 * goes first in turn, so that the machine's load falls on both alike; the ratio is taken per round.
 */
export async function measureHandwritten(page: LegacyProductPage, rounds: number, pagesPerRound: number): Promise<HandwrittenCost> {
  const mapping = createAcl().load(ACL_MAPPING);
  const validator = contractValidator(ProductPageSchema);
  const text = JSON.stringify(page);
  const now = new Date();
  let sink = 0;
  const byHand = (): void => {
    const answer = handwrittenProductRead(JSON.parse(text), now);
    if (!validator.accepts(answer)) throw new Error('the hand-written mapping made a page the contract refuses');
    sink += JSON.stringify(answer).length;
  };
  const viaAcl = async (): Promise<void> => {
    sink += JSON.stringify(await mapping.evaluate(JSON.parse(text), { now })).length;
  };
  if (JSON.stringify(handwrittenProductRead(JSON.parse(text), now)) !== JSON.stringify(await mapping.evaluate(JSON.parse(text), { now }))) {
    throw new Error('the hand-written mapping does not answer what catalog/product-read answers');
  }
  // A full collection first (when the process runs with --expose-gc, as acl-cost-child.ts starts it): an
  // old-space collection the load phase left marking slows every allocation and pointer store, the
  // ACL's (it allocates more) more than the hand-written code's. The warm-up then lets the young
  // generation grow back to its size under this work before any round is timed.
  collectGarbage();
  for (let i = 0; i < pagesPerRound; i += 1) {
    byHand();
    await viaAcl();
  }
  const hand: number[] = [];
  const acl: number[] = [];
  const ratios: number[] = [];
  const timeHand = (): number => {
    const start = performance.now();
    for (let i = 0; i < pagesPerRound; i += 1) byHand();
    return ((performance.now() - start) * 1000) / pagesPerRound;
  };
  const timeAcl = async (): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < pagesPerRound; i += 1) await viaAcl();
    return ((performance.now() - start) * 1000) / pagesPerRound;
  };
  for (let r = 0; r < rounds; r += 1) {
    let h: number;
    let a: number;
    if (r % 2 === 0) {
      h = timeHand();
      a = await timeAcl();
    } else {
      a = await timeAcl();
      h = timeHand();
    }
    hand.push(h);
    acl.push(a);
    ratios.push(h / a);
  }
  if (sink === 0) throw new Error('nothing was serialised');
  return { rounds, pagesPerRound, handwrittenUs: median(hand), aclUs: median(acl), ratio: median(ratios) };
}

export async function measureLargePage(page: LegacyProductPage): Promise<LargePageCost> {
  const mapping = createAcl({ timeoutMs: LARGE_PAGE_BUDGET_MS }).load(ACL_MAPPING);
  const input: unknown = JSON.parse(JSON.stringify(page));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await pause(20); // a few idle samples first, so the maximum is the translation's and not the enable's
  const start = performance.now();
  await translate(mapping, input, page.ROWS.length);
  const ms = performance.now() - start;
  await pause(20); // the sampling timer has to fire once after the loop is free to record the stall
  histogram.disable();
  return { items: page.ROWS.length, ms, eventLoopMaxMs: histogram.max / 1e6 };
}

/** Throws unless the page translated into exactly `items` products: a half-failed run measures nothing. */
async function translate(mapping: AclMapping, input: unknown, items: number): Promise<void> {
  const out = await mapping.evaluate(input, { now: new Date() });
  const got = typeof out === 'object' && out !== null && !Array.isArray(out) && Array.isArray(out['items']) ? out['items'].length : -1;
  if (got !== items) throw new Error(`${ACL_MAPPING} translated a ${items}-item page into ${got} items`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full garbage collection when the process exposes one (`node --expose-gc`); otherwise nothing. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}
