/**
 * The ACL's own cost, measured in the bench process through its public entry: what one catalog
 * page costs per item, and how long a large page holds the event loop (the ACL time-slices long
 * evaluations, yielding every few milliseconds; the longest gap is what this reports).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAcl, type AclMapping } from '../acl';
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
