import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAcl } from '../index';
import { LIMITS, pair } from './compiled-kit';
import { ACL_ROOT } from './kit';

/**
 * `$now` is the request time each caller passes in, as `Date.toISOString()` (milliseconds always):
 * a page translated for two requests a millisecond apart is stamped apart, on the compiled
 * evaluator and on jsonata alike, and a mapping never falls back on the clock.
 */

const row = { PRD_ID: 1, PRD_SKU: 'SKU-000001', PRD_NM: 'Hook', PRD_DSC: null, PRD_CAT_CD: null, PRD_PRC: '1.00', PRD_STS: 'A', PRD_UPD_TS: '20140928050112', PRD_FLG_X: null };
const page = { PAGE: 1, SIZE: 1, TOTAL: 1, ROWS: [row] };
const stampOf = (answer: unknown) => (answer as { generatedAt?: unknown }).generatedAt;

describe('catalog/product-read stamps pages with the request time', () => {
  const mapping = createAcl().load('catalog/product-read');

  it('to the millisecond, one stamp per evaluation', async () => {
    const first = await mapping.evaluate(page, { now: new Date('2026-03-01T09:15:02.417Z') });
    const second = await mapping.evaluate(page, { now: new Date('2026-03-01T09:15:02.418Z') });
    expect([stampOf(first), stampOf(second)]).toEqual(['2026-03-01T09:15:02.417Z', '2026-03-01T09:15:02.418Z']);
    // Everything else about the page is the same document.
    expect({ ...(first as object), generatedAt: null }).toEqual({ ...(second as object), generatedAt: null });
  });

  it('with three digits of milliseconds even on a whole second', async () => {
    expect(stampOf(await mapping.evaluate(page, { now: new Date('2026-03-01T09:15:02Z') }))).toBe('2026-03-01T09:15:02.000Z');
  });

  it('on pages only: a single product has no stamp', async () => {
    expect(await mapping.evaluate(row, { now: new Date('2026-03-01T09:15:02.417Z') })).not.toHaveProperty('generatedAt');
  });

  it('the same on the compiled evaluator as on jsonata, from the binding alone', async () => {
    const p = pair(readFileSync(path.join(ACL_ROOT, 'catalog/product-read.jsonata'), 'utf8'));
    const at = '2026-03-01T09:15:02.417Z';
    const viaJsonata = await p.jsonata.evaluate(structuredClone(page), { now: at, millis: undefined });
    const viaCompiled = await p.compiled.evaluate(structuredClone(page), [at, undefined], LIMITS);
    expect([stampOf(viaJsonata), stampOf(viaCompiled)]).toEqual([at, at]);
    // Without a binding neither reads the clock: the stamp is absent, and the page schema would refuse it.
    expect(stampOf(await p.compiled.evaluate(structuredClone(page), [undefined, undefined], LIMITS))).toBeUndefined();
    expect(stampOf(await p.jsonata.evaluate(structuredClone(page), { now: undefined, millis: undefined }))).toBeUndefined();
  });
});
