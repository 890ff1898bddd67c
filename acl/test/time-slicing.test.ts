import { AclTimeoutError, createAcl, DEFAULT_SLICE_MS, DEFAULT_TIMEOUT_MS } from '../index';
import { ProductPageSchema } from '../../new-services/catalog/src/contract';
import { NOW, rejection, tempRoot } from './kit';

/** A clean legacy row (captured-product-2), repeated with distinct ids. */
function legacyPage(items: number): unknown {
  const rows = Array.from({ length: items }, (_, i) => ({
    PRD_ID: i + 1,
    PRD_SKU: `SKU-${String(i + 1).padStart(6, '0')}`,
    PRD_NM: 'Steel Bolt 20mm',
    PRD_DSC: null,
    PRD_CAT_CD: 'KIT',
    PRD_PRC: '271.33',
    PRD_STS: 'A',
    PRD_UPD_TS: '20200927010726',
    PRD_FLG_X: null,
  }));
  return { PAGE: 1, SIZE: items, TOTAL: items, ROWS: rows };
}

/** Runs `work` while a setImmediate chain probes the event loop; how many turns it got meanwhile. */
async function probed<T>(work: () => Promise<T>): Promise<{ result: T; probes: number }> {
  let running = true;
  let probes = 0;
  const probe = (): void => {
    probes += 1;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  try {
    return { result: await work(), probes };
  } finally {
    running = false;
  }
}

/**
 * Through createAcl, on the real clock: the event loop gets turns while a mapping runs, and a
 * runaway one ends in AclTimeoutError. How long a slice lasts and when the timeout trips are the
 * guardrails' and the compiled evaluator's, tested on a stepping clock (guardrails.test.ts,
 * compiled-guardrails.test.ts).
 */
describe('time slicing', () => {
  it('lets the event loop run while a large page translates, and still returns every item', async () => {
    const mapping = createAcl({ timeoutMs: 60_000 }).load('catalog/product-read');
    const page = legacyPage(3000);
    await mapping.evaluate(legacyPage(300), { now: NOW }); // warm-up: compile the hot paths (jsonata, zod) first

    const { result, probes } = await probed(() => mapping.evaluate(page, { now: NOW }));

    expect(result).toMatchObject({ page: 1, size: 3000, total: 3000 });
    const items = (result as { items: unknown[] }).items;
    expect(items).toHaveLength(3000);
    expect(items[2999]).toEqual({
      id: 3000, sku: 'SKU-003000', name: 'Steel Bolt 20mm', description: null,
      price: { amount: 27133, currency: 'EUR' }, status: 'active', updatedAt: '2020-09-27T01:07:26Z',
    });
    expect(ProductPageSchema.safeParse(result).success).toBe(true);
    expect(probes).toBeGreaterThan(4);
  });

  it('holds the event loop for the whole evaluation when slicing is off', async () => {
    const mapping = createAcl({ timeoutMs: 60_000, sliceMs: 0 }).load('catalog/product-read');
    const { probes } = await probed(() => mapping.evaluate(legacyPage(300), { now: NOW }));
    expect(probes).toBeLessThanOrEqual(1);
  });

  it('keeps other evaluations moving while one is long', async () => {
    const mapping = createAcl({ timeoutMs: 60_000 }).load('catalog/product-read');
    const finished: string[] = [];
    const large = mapping.evaluate(legacyPage(3000), { now: NOW }).then(() => finished.push('large'));
    await new Promise((resolve) => setImmediate(resolve)); // the large one has started and parked
    const small = mapping.evaluate(legacyPage(1), { now: NOW }).then(() => finished.push('small'));
    await Promise.all([large, small]);
    expect(finished).toEqual(['small', 'large']);
  });

  it('still stops a runaway loop on the timeout, counting the time spent parked', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': '($loop := function($n) { $loop($n + 1) }; $loop(0))' });
    const mapping = createAcl({ root, timeoutMs: 80, sliceMs: 1 }).load('catalog/product-read');
    let probes = 0;
    let running = true;
    const probe = (): void => {
      probes += 1;
      if (running) setImmediate(probe);
    };
    setImmediate(probe);
    const err = await rejection(mapping.evaluate({}, { now: NOW }));
    running = false;
    expect(err).toBeInstanceOf(AclTimeoutError);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 80 });
    expect(probes).toBeGreaterThan(4); // the loop yielded while it ran
  });

  it('defaults to a 1000 ms budget and 2 ms slices', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(1000);
    expect(DEFAULT_SLICE_MS).toBe(2);
  });
});
