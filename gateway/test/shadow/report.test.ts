import { formatShadowReports } from '../../src/cli/shadow-format';
import { emptyTotals, type FieldCount, type ShadowTotals } from '../../src/shadow/batch';
import { emptyHistogram } from '../../src/shadow/latency';
import { buildReport, gateVerdict, type RouteAggregate } from '../../src/shadow/report';
import type { GateThresholds, RouteShadowReport } from '../../src/shadow/types';

const GATE: GateThresholds = { minCompared: 100, minMatchRate: 0.99, maxNewErrorRate: 0.01 };
const SINCE = new Date('2026-11-25T00:00:00Z');

function aggregate(totals: Partial<ShadowTotals>, fields: FieldCount[] = [], fingerprints: RouteAggregate['fingerprints'] = []): RouteAggregate {
  return { routeId: 'r', totals: { ...emptyTotals(), ...totals }, fields, fingerprints, latency: { legacy: emptyHistogram(), fresh: emptyHistogram() }, samples: new Map() };
}

/** A report with `compared` requests of which `matches` match, and `failed` new-side errors. */
function record(compared: number, matches: number, failed = 0): RouteShadowReport {
  return buildReport(aggregate({ compared, identical: matches, newErrors: failed }), SINCE);
}

describe('buildReport', () => {
  it('has no match rate and no error rate when nothing was shadowed', () => {
    const r = buildReport(aggregate({}), SINCE);
    expect(r).toMatchObject({ compared: 0, matches: 0, matchRate: null, newErrorRate: null, since: SINCE.toISOString(), fields: [] });
    expect(r.latency.legacy).toEqual({ count: 0, meanMs: 0, p50Ms: 0, p99Ms: 0 });
  });

  it('sorts real fields first, then by raw count; noise fields do not spoil a match', () => {
    const fields: FieldCount[] = [
      { path: 'updatedAt', kind: 'changed', raw: 100, noise: 10 },
      { path: 'name', kind: 'changed', raw: 3, noise: 0 },
      { path: 'price', kind: 'changed', raw: 7, noise: 0 },
      { path: 'id', kind: 'changed', raw: 0, noise: 2 },
    ];
    const r = buildReport(
      aggregate({ compared: 100, noiseSampled: 10, identical: 0 }, fields, [
        { fields: [['updatedAt', 'changed']], count: 90 },
        { fields: [['price', 'changed'], ['updatedAt', 'changed']], count: 7 },
        { fields: [['name', 'changed'], ['updatedAt', 'changed']], count: 3 },
      ]),
      SINCE,
    );
    expect(r.fields.map((f) => [f.path, f.real])).toEqual([
      ['price', true],
      ['name', true],
      ['updatedAt', false],
      ['id', false],
    ]);
    expect(r.fields[2]).toMatchObject({ rawRate: 1, noiseRate: 1 });
    expect(r).toMatchObject({ matches: 90, matchRate: 0.9 });
  });

  it('a field below the absolute threshold is noise however rare its noise is', () => {
    const r = buildReport(aggregate({ compared: 100_000, identical: 99_990 }, [{ path: 'x', kind: 'changed', raw: 10, noise: 0 }], [{ fields: [['x', 'changed']], count: 10 }]), SINCE);
    // 10 of 100 000 is 0.01%, under the default 0.03%.
    expect(r.fields[0]?.real).toBe(false);
    expect(r.matchRate).toBe(1);
  });

  it('counts new-side errors and timeouts against everything the new side was asked', () => {
    const r = buildReport(aggregate({ compared: 90, identical: 90, newErrors: 6, newTimeouts: 4 }), SINCE);
    expect(r.newErrorRate).toBeCloseTo(0.1);
    expect(r.matchRate).toBe(1);
  });
});

describe('gateVerdict', () => {
  it('passes exactly at every threshold', () => {
    // 99 compared and 1 error: exactly 1% errors; 99 of 100 compared: exactly 99.0% matches.
    expect(gateVerdict(record(99, 99, 1), { ...GATE, minCompared: 99 })).toEqual({ ok: true, reasons: [] });
    expect(gateVerdict(record(100, 99), GATE)).toEqual({ ok: true, reasons: [] });
  });

  it('refuses below the minimum compared, naming both numbers', () => {
    expect(gateVerdict(record(12, 12), GATE)).toEqual({ ok: false, reasons: ['compared 12 requests, the gate needs at least 100'] });
    expect(gateVerdict(record(1, 1), GATE).reasons).toEqual(['compared 1 request, the gate needs at least 100']);
  });

  it('refuses when the route has no record at all', () => {
    expect(gateVerdict(null, GATE)).toEqual({ ok: false, reasons: ['compared 0 requests, the gate needs at least 100'] });
  });

  it('refuses a match rate below the minimum', () => {
    expect(gateVerdict(record(1000, 930), GATE)).toEqual({ ok: false, reasons: ['match rate 93.0% is below 99.0%'] });
  });

  it('shows enough decimals to see why a rate just below the threshold fails', () => {
    expect(gateVerdict(record(10_000, 9_899), GATE).reasons).toEqual(['match rate 98.99% is below 99.00%']);
  });

  it('refuses a new-side error rate above the maximum', () => {
    expect(gateVerdict(record(96, 96, 4), { ...GATE, minCompared: 10 })).toEqual({ ok: false, reasons: ['new-side error rate 4.0% is above 1.0%'] });
  });

  it('names every failed condition at once', () => {
    expect(gateVerdict(record(48, 40, 2), GATE).reasons).toEqual(['compared 48 requests, the gate needs at least 100', 'match rate 83.3% is below 99.0%', 'new-side error rate 4.0% is above 1.0%']);
  });

  it('a gate asking for nothing passes an empty record', () => {
    expect(gateVerdict(null, { minCompared: 0, minMatchRate: 0, maxNewErrorRate: 1 })).toEqual({ ok: true, reasons: [] });
    expect(gateVerdict(null, { minCompared: 0, minMatchRate: 0.5, maxNewErrorRate: 1 }).reasons).toEqual(['no request was compared, so there is no match rate to hold against 50.0%']);
  });
});

describe('a reverse shadow’s failed copies to legacy', () => {
  it('are reported apart and neither raise the new error rate nor stop the gate; the text report names them only when there are some', () => {
    const r = buildReport(aggregate({ compared: 200, identical: 200, legacyErrors: 30, legacyTimeouts: 5 }), SINCE);
    expect(r).toMatchObject({ newErrors: 0, newTimeouts: 0, newErrorRate: 0, legacyErrors: 30, legacyTimeouts: 5 });
    expect(gateVerdict(r, GATE)).toEqual({ ok: true, reasons: [] });
    expect(formatShadowReports([r], SINCE)).toContain('  legacy copies:   30 errors, 5 timeouts (reverse shadow; not in the new error rate)\n');
    expect(formatShadowReports([record(200, 200)], SINCE)).not.toContain('legacy copies');
    // A route with nothing but failed legacy copies has a record all the same.
    expect(formatShadowReports([buildReport(aggregate({ legacyErrors: 1 }), SINCE)], SINCE)).not.toContain('nothing recorded yet');
  });
});
