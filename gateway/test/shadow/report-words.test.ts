import { emptyTotals } from '../../src/shadow/batch';
import { emptyHistogram } from '../../src/shadow/latency';
import { buildReport } from '../../src/shadow/report';
import { RouteShadowReportSchema, ShadowSampleSchema } from '../../src/shadow/types';

/** Issue 15, item 5: the JSON report calls the new side `new`, as the text report does. */

const answer = { status: 200, headers: {}, body: { id: 1 }, truncated: false, ms: 3 };
const request = { method: 'GET', path: '/api/products/1', headers: {} };

describe('the shadow report says new, never fresh', () => {
  it('names the latency of the new side new', () => {
    const report = buildReport({ routeId: 'products', totals: emptyTotals(), fields: [], fingerprints: [], latency: { legacy: emptyHistogram(), fresh: emptyHistogram() }, samples: new Map() }, new Date(0));
    const json = JSON.parse(JSON.stringify(report)) as { latency: Record<string, unknown> };
    expect(Object.keys(json.latency).sort()).toEqual(['legacy', 'new']);
    expect(JSON.stringify(report)).not.toContain('fresh');
    expect(RouteShadowReportSchema.safeParse(json).success).toBe(true);
  });

  it('reads a sample with legacy and new, and one stored before as fresh', () => {
    const now = ShadowSampleSchema.parse({ at: 'x', request, legacy: answer, new: { ...answer, status: 201 }, differences: [] });
    expect(now.new.status).toBe(201);
    const before = ShadowSampleSchema.parse({ at: 'x', request, legacy: answer, fresh: { ...answer, status: 202 }, differences: [] });
    expect(before.new.status).toBe(202);
    expect(Object.keys(before)).not.toContain('fresh');
  });
});
