import { createAcl } from '../../acl';
import { usPerItem } from '../acl-cost';
import { aclFailures, aclToJson, buildAclReport, formatAclHuman, pageVsPlain, perRoundRatio, type AclMeasurements } from '../acl-report';
import { parseArgs, UsageError } from '../args';
import { legacyProductPage, LEGACY_PAGE_MAX } from '../legacy-page';
import type { LoadResult } from '../load';
import { ProcessGroup, tsChild } from '../processes';
import { buildReport, failures, formatHuman, summarise, toJson, type GatewayMeasurements } from '../report';
import { combine } from '../scenarios/all';
import { routesFor } from '../scenarios/gateway';
import { poolRoutes } from '../scenarios/pool';
import { tracingRoutes } from '../scenarios/tracing';
import { compileRouteTable } from '../../gateway/src/config/load';
import { buildShadowReport, formatShadowHuman, shadowCounters, shadowFailures, shadowRoutes, shadowToJson, type ShadowMeasurements } from '../scenarios/shadow';
import { median, medianOfRatios, percentile, round } from '../stats';

const SCENARIOS = ['all', 'gateway', 'acl', 'backfill', 'shadow'];

describe('parseArgs', () => {
  it('defaults to every phase (gateway and ACL), 10 s, 3 rounds, human output', () => {
    expect(parseArgs([], SCENARIOS)).toEqual({ scenario: 'all', durationSec: 10, rounds: 3, json: false, help: false });
  });

  it('takes acl alone', () => {
    expect(parseArgs(['acl', '--json'], SCENARIOS)).toMatchObject({ scenario: 'acl', json: true });
  });

  it('takes shadow alone, with its flags', () => {
    expect(parseArgs(['shadow', '--json', '--duration', '5', '--rounds', '2'], SCENARIOS))
      .toEqual({ scenario: 'shadow', durationSec: 5, rounds: 2, json: true, help: false });
  });

  it('takes the first non-flag argument as the scenario, flags in any order and both value forms', () => {
    expect(parseArgs(['--json', 'backfill', '--duration', '2.5', '--rounds=4'], SCENARIOS))
      .toEqual({ scenario: 'backfill', durationSec: 2.5, rounds: 4, json: true, help: false });
  });

  it.each([
    [['nope'], /unknown scenario "nope"/],
    [['--fast'], /unknown flag --fast/],
    [['--duration'], /needs a value/],
    [['--duration', '0'], /positive number/],
    [['--duration', 'ten'], /positive number/],
    [['--rounds', '1.5'], /positive integer/],
    [['--rounds', '1'], /at least 2/],
    [['gateway', 'acl'], /unexpected argument acl/],
    [['shadow', 'gateway'], /unexpected argument gateway/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, SCENARIOS)).toThrow(UsageError);
    expect(() => parseArgs(argv, SCENARIOS)).toThrow(message);
  });
});

describe('stats', () => {
  it('computes nearest-rank percentiles and medians', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(round(0.1 + 0.2, 3)).toBe(0.3);
  });

  it('takes the median of ratios made pair by pair', () => {
    expect(medianOfRatios([90, 45, 50], [100, 50, 100])).toBeCloseTo(0.9);
    expect(medianOfRatios([], [])).toBeNaN();
    expect(medianOfRatios([1, 2], [1])).toBeNaN();
    expect(medianOfRatios([1], [0])).toBeNaN();
  });
});

const run = (rps: number, p50Ms: number, p99Ms: number): LoadResult => ({ rps, p50Ms, p99Ms, responses: rps * 10, non2xx: 0, errors: 0 });

function measurements(): GatewayMeasurements {
  return {
    connections: 50,
    durationSec: 10,
    warmupSec: 2,
    saturated: {
      direct: [run(10000, 2, 8), run(12000, 1.5, 6), run(11000, 1.8, 7)],
      raw: [run(6000, 5, 15), run(7000, 4, 12), run(6500, 4.5, 14)],
      naive: [run(4000, 10, 30), run(5000, 9, 25), run(4500, 9.5, 28)],
      gateway: [run(3000, 14, 40), run(4000, 12, 35), run(3600, 13, 36)],
    },
    fixedRate: { rate: 1000, connections: 10, direct: [run(1000, 0.5, 1), run(999, 0.6, 1)], gateway: [run(1000, 1.2, 3), run(998, 1.0, 2)] },
    tallies: { direct: { non2xx: 0, errors: 0 }, raw: { non2xx: 0, errors: 0 }, naive: { non2xx: 0, errors: 0 }, gateway: { non2xx: 0, errors: 0 } },
    gatewayLogLines: 1234,
  };
}

describe('report', () => {
  it('takes the median of each metric over the rounds', () => {
    expect(summarise([run(1, 9, 30), run(3, 1, 10), run(2, 5, 20)])).toEqual({ rps: 2, p50Ms: 5, p99Ms: 20 });
  });

  it('computes ratios to direct and to naive, and the added p50 at a fixed rate', () => {
    const report = buildReport(measurements());
    expect(report.rounds).toBe(3);
    expect(report.gatewayVsNaive).toBeCloseTo(3600 / 4500);
    expect(report.gatewayVsRaw).toBeCloseTo(3600 / 6500);
    expect(report.gatewayVsDirect).toBeCloseTo(3600 / 11000);
    expect(report.addedP50MsAt1000Rps).toBeCloseTo(1.1 - 0.55);
  });

  it('prints exactly the agreed JSON keys, all of them numbers', () => {
    const json = toJson(buildReport(measurements()));
    expect(Object.keys(json).sort()).toEqual([
      'added_p50_ms_at_1000rps', 'direct_p99_ms', 'direct_rps', 'gateway_p99_ms', 'gateway_rps',
      'gateway_vs_direct', 'gateway_vs_naive', 'gateway_vs_raw', 'naive_rps', 'raw_rps',
    ]);
    for (const value of Object.values(json)) expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
    expect(json).toMatchObject({ direct_rps: 11000, raw_rps: 6500, gateway_rps: 3600, gateway_vs_naive: 0.8, gateway_vs_raw: 0.554, gateway_vs_direct: 0.327, added_p50_ms_at_1000rps: 0.55 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('says how the rounds were aggregated and shows every target', () => {
    const text = formatHuman(buildReport(measurements()));
    expect(text).toMatch(/MEDIAN over the rounds/);
    expect(text).toMatch(/^direct .*1\.000/m);
    expect(text).toMatch(/^raw /m);
    expect(text).toMatch(/^naive /m);
    expect(text).toMatch(/^gateway /m);
    expect(text).toMatch(/gateway_vs_naive: 0\.800/);
    expect(text).toMatch(/gateway_vs_raw: 0\.554/);
    expect(text).toMatch(/gateway log lines on stdout: 1234/);
  });

  it('fails a target that saw non-2xx responses or errors, and only that one', () => {
    const m = measurements();
    expect(failures(m)).toEqual([]);
    m.tallies.gateway = { non2xx: 3, errors: 1 };
    expect(failures(m)).toEqual(['gateway: 3 non-2xx responses, 1 errors']);
  });
});

describe('gateway scenario routes file', () => {
  it('routes the bench path, the plain, translated and identity-mapped legacy page, and the catch-all to the one bench upstream', () => {
    expect(routesFor('http://127.0.0.1:1234')).toEqual({
      upstreams: { bench: { url: 'http://127.0.0.1:1234' } },
      routes: [
        { id: 'bench.items', path: '/api/items/*', methods: ['GET', 'HEAD'], mode: 'legacy', legacy: { upstream: 'bench' } },
        { id: 'acl.plain', path: '/plain/products', methods: ['GET'], mode: 'legacy', legacy: { upstream: 'bench', rewrite: '/legacy/products' } },
        {
          id: 'acl.translated', path: '/v2/products', methods: ['GET'], mode: 'legacy',
          legacy: { upstream: 'bench', rewrite: '/legacy/products', translate: { response: 'catalog/product-read' } },
        },
        {
          id: 'acl.identity', path: '/identity/products', methods: ['GET'], mode: 'legacy',
          legacy: { upstream: 'bench', rewrite: '/legacy/products', translate: { response: 'baseline/identity' } },
        },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'bench' } },
      ],
    });
  });
});

describe('tracing scenario routes files', () => {
  it('load through the gateway’s own loader, the baseline with trace context switched off and the others with it on', () => {
    expect(compileRouteTable(tracingRoutes('http://127.0.0.1:1', false), 'off').tracing.propagate).toBe(false);
    expect(compileRouteTable(tracingRoutes('http://127.0.0.1:1', true), 'on').tracing.propagate).toBe(true);
  });
});

describe('pool scenario routes file', () => {
  it('loads through the gateway’s own loader: a fast and a slow instance balanced two ways, two fast ones, and one alone', () => {
    const table = compileRouteTable(poolRoutes('http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'), 'pool');
    expect([...table.upstreams.values()].map((u) => [u.name, u.config.loadBalancing, u.instances.map((i) => i.key).join(' ')])).toEqual([
      ['mixed-p2c', 'p2c', '127.0.0.1:1 127.0.0.1:3'],
      ['mixed-rr', 'round-robin', '127.0.0.1:1 127.0.0.1:3'],
      ['pair', 'p2c', '127.0.0.1:1 127.0.0.1:2'],
      ['single', 'p2c', '127.0.0.1:1'],
    ]);
  });
});

describe('legacy product page', () => {
  it('is deterministic, sized as asked, and every row is clean', () => {
    const page = legacyProductPage(LEGACY_PAGE_MAX);
    expect(legacyProductPage(50)).toEqual(legacyProductPage(50));
    expect(page).toMatchObject({ PAGE: 1, SIZE: LEGACY_PAGE_MAX, TOTAL: LEGACY_PAGE_MAX });
    expect(page.ROWS.map((r) => r.PRD_ID)).toEqual(Array.from({ length: LEGACY_PAGE_MAX }, (_, i) => i + 1));
    for (const row of page.ROWS) {
      expect(['A', 'D', 'H']).toContain(row.PRD_STS);
      expect(row.PRD_PRC).toMatch(/^\d+\.\d\d$/);
      expect(row.PRD_UPD_TS).toMatch(/^(20[12]\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])([01]\d|2[0-3])[0-5]\d[0-5]\d$/);
    }
    expect(new Set(page.ROWS.map((r) => r.PRD_STS))).toEqual(new Set(['A', 'D', 'H']));
    expect(() => legacyProductPage(0)).toThrow(RangeError);
    expect(() => legacyProductPage(LEGACY_PAGE_MAX + 1)).toThrow(RangeError);
  });

  it('translates through the ACL into as many products as rows', async () => {
    const out = await createAcl().load('catalog/product-read').evaluate(legacyProductPage(50), { now: new Date('2024-01-01T00:00:00Z') });
    expect(out).toMatchObject({ page: 1, size: 50, total: LEGACY_PAGE_MAX });
    expect((out as { items: unknown[] }).items).toHaveLength(50);
  });
});

const aclMeasurements = (): AclMeasurements => ({
  connections: 50,
  durationSec: 10,
  warmupSec: 2,
  pageItems: 50,
  saturated: {
    'acl.plain': [run(10000, 3, 7), run(12000, 2.5, 6), run(11000, 2.8, 6.5)],
    'acl.identity': [run(2000, 20, 40), run(2200, 19, 38), run(2100, 19, 39)],
    'acl.translated': [run(200, 100, 900), run(300, 90, 800), run(250, 95, 850)],
  },
  tallies: { 'acl.plain': { non2xx: 0, errors: 0 }, 'acl.identity': { non2xx: 0, errors: 0 }, 'acl.translated': { non2xx: 0, errors: 0 } },
  perItem: { items: 50, runs: 300, warmups: 50, usPerItem: 73.94 },
  handwritten: { rounds: 15, pagesPerRound: 200, handwrittenUs: 90.04, aclUs: 120.1, ratio: 0.7497 },
  largePage: { items: 5000, ms: 403.21, eventLoopMaxMs: 404.5 },
  hugePage: { items: 50000, ms: 950.44, eventLoopMaxMs: 8.46 },
  probe: { items: 5000, healthzMaxMs: [110, 90, 300], largeStatus: [502, 502, 502], largeMs: [119, 109, 109], idleHealthzMs: 0.7, largeProblem: 'evaluation exceeded 100 ms' },
  gatewayBudgetMs: 100,
});

describe('ACL report', () => {
  it('computes the translated / plain ratio and the per-item cost', () => {
    expect(pageVsPlain(250, 11000)).toBeCloseTo(250 / 11000);
    expect(pageVsPlain(250, 0)).toBeNaN();
    // Three runs of a 50-item page: 2.5, 3.5 and 5 ms -> 50, 70 and 100 us an item; the median run wins.
    expect(usPerItem([5, 2.5, 3.5], 50)).toBeCloseTo(70);
    const report = buildAclReport(aclMeasurements());
    expect(report.rounds).toBe(3);
    expect(report.pageVsPlain).toBeCloseTo(250 / 11000);
    expect(report.pageVsIdentity).toBeCloseTo(250 / 2100);
    expect(report.healthzMsDuringLargeTranslation).toBe(110);
  });

  it('takes the translated / identity ratio within each round, so a slow round falls on both sides', () => {
    const m = aclMeasurements();
    // The machine slows down in round 2 for both routes; round 3 is the translated route's bad luck.
    m.saturated['acl.identity'] = [run(4000, 5, 9), run(2000, 9, 18), run(3000, 7, 12)];
    m.saturated['acl.translated'] = [run(3600, 6, 10), run(1800, 10, 20), run(1500, 12, 30)];
    // Per round 0.9, 0.9 and 0.5: the median is 0.9, where the ratio of the medians (1800 / 3000) would say 0.6.
    expect(buildAclReport(m).pageVsIdentity).toBeCloseTo(0.9);
    expect(perRoundRatio([run(100, 1, 1)], [run(0, 1, 1)])).toBeNaN();
  });

  it('prints exactly the agreed ACL JSON keys, all of them numbers', () => {
    const json = aclToJson(buildAclReport(aclMeasurements()));
    expect(Object.keys(json).sort()).toEqual([
      'acl_event_loop_max_ms', 'acl_handwritten_us_per_page', 'acl_huge_event_loop_max_ms', 'acl_huge_page_items', 'acl_huge_page_ms', 'acl_identity_rps',
      'acl_large_page_items', 'acl_large_page_ms', 'acl_page_vs_identity', 'acl_page_vs_plain', 'acl_plain_p99_ms',
      'acl_plain_rps', 'acl_translated_p99_ms', 'acl_translated_rps', 'acl_us_per_item', 'acl_us_per_page', 'acl_vs_handwritten',
      'gateway_healthz_ms_during_large_translation',
    ]);
    for (const value of Object.values(json)) expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
    expect(json).toMatchObject({ acl_page_vs_identity: 0.119, acl_vs_handwritten: 0.75, acl_huge_page_items: 50000, acl_huge_event_loop_max_ms: 8.5 });
    expect(json).toMatchObject({ acl_page_vs_plain: 0.023, acl_us_per_item: 73.9, acl_plain_rps: 11000, acl_translated_rps: 250, acl_large_page_items: 5000, acl_large_page_ms: 403.2 });
  });

  it('shows both routes side by side, the target verdict and the large page\'s own answer', () => {
    const text = formatAclHuman(buildAclReport(aclMeasurements()));
    expect(text).toMatch(/^acl\.plain .*1\.000/m);
    expect(text).toMatch(/^acl\.translated /m);
    expect(text).toMatch(/^acl\.identity /m);
    expect(text).toMatch(/acl_page_vs_identity: 0\.119 .*target >= 0\.85: MISSED/);
    expect(text).toMatch(/acl_vs_handwritten: 0\.750 .*target >= 0\.8: MISSED/);
    expect(text).toMatch(/acl_page_vs_plain: 0\.023 .*no target/);
    expect(text).toMatch(/acl_huge_page: 50000 items/);
    expect(text).toMatch(/answered 502 in 119, 109, 109 ms: evaluation exceeded 100 ms/);
  });

  it('fails a load target that saw non-2xx responses or errors, not the large-page probe', () => {
    const m = aclMeasurements();
    expect(aclFailures(m)).toEqual([]);
    m.tallies['acl.translated'] = { non2xx: 5, errors: 0 };
    expect(aclFailures(m)).toEqual(['acl.translated: 5 non-2xx responses, 0 errors']);
  });
});

const shadowMeasurements = (): ShadowMeasurements => ({
  connections: 50,
  durationSec: 10,
  warmupSec: 2,
  saturated: {
    legacy: [run(3000, 14, 40), run(2800, 15, 44), run(2900, 14.5, 42)],
    'shadow@1.0': [run(2100, 20, 60), run(1900, 22, 70), run(2000, 21, 66)],
    'shadow@0.1': [run(2950, 14, 41), run(2850, 15, 46), run(2900, 14.5, 42)],
  },
  tallies: { legacy: { non2xx: 0, errors: 0 }, 'shadow@1.0': { non2xx: 0, errors: 0 }, 'shadow@0.1': { non2xx: 0, errors: 0 } },
  answered: { legacy: 100000, 'shadow@1.0': 70000, 'shadow@0.1': 99000 },
  mirrored: { 'bench.shadow-1': { match: 69990, dropped: 10 }, 'bench.shadow-0.1': { match: 9900 } },
});

describe('shadow scenario', () => {
  it('routes legacy, shadow at 1.0 and shadow at 0.1 to the same upstream path on both sides, plus the catch-all', () => {
    const table = shadowRoutes('http://127.0.0.1:1', 'http://127.0.0.1:2') as { upstreams: object; routes: object[] };
    expect(table.upstreams).toEqual({ legacy: { url: 'http://127.0.0.1:1' }, new: { url: 'http://127.0.0.1:2' } });
    const both = { legacy: { upstream: 'legacy', rewrite: '/api/items/*' }, new: { upstream: 'new', rewrite: '/api/items/*' } };
    expect(table.routes).toEqual([
      { id: 'bench.legacy', path: '/legacy/*', methods: ['GET'], mode: 'legacy', ...both },
      { id: 'bench.shadow-1', path: '/shadow1/*', methods: ['GET'], mode: 'shadow', ...both, shadow: { sample: 1 } },
      { id: 'bench.shadow-0.1', path: '/shadow01/*', methods: ['GET'], mode: 'shadow', ...both, shadow: { sample: 0.1 } },
      { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
    ]);
  });

  it('reads strangler_shadow_requests_total by route and result out of Prometheus text', () => {
    const text = [
      '# HELP strangler_shadow_requests_total Shadowed requests by route and result',
      '# TYPE strangler_shadow_requests_total counter',
      'strangler_shadow_requests_total{route="bench.shadow-1",result="match"} 120',
      'strangler_shadow_requests_total{route="bench.shadow-1",result="dropped"} 3',
      'strangler_shadow_requests_total{result="match",route="bench.shadow-0.1"} 12',
      'strangler_requests_total{route="bench.legacy",upstream="legacy",mode="legacy",status="200"} 999',
    ].join('\n');
    expect(shadowCounters(text)).toEqual({ 'bench.shadow-1': { match: 120, dropped: 3 }, 'bench.shadow-0.1': { match: 12 } });
    expect(shadowCounters('')).toEqual({});
  });

  it('computes shadow@1.0 req/s over legacy req/s and shadow@0.1 p99 over legacy p99, from the medians', () => {
    const report = buildShadowReport(shadowMeasurements());
    expect(report.rounds).toBe(3);
    expect(report.shadowVsLegacy).toBeCloseTo(2000 / 2900);
    expect(report.p99RatioAt01).toBeCloseTo(42 / 42);
  });

  it('prints exactly the agreed shadow JSON keys, all of them numbers', () => {
    const json = shadowToJson(buildShadowReport(shadowMeasurements()));
    expect(Object.keys(json).sort()).toEqual([
      'shadow_0_1_p99_ms', 'shadow_legacy_p99_ms', 'shadow_legacy_rps', 'shadow_p99_ms', 'shadow_p99_ratio_at_0_1', 'shadow_rps', 'shadow_vs_legacy',
    ]);
    for (const value of Object.values(json)) expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
    expect(json).toMatchObject({ shadow_vs_legacy: 0.69, shadow_p99_ratio_at_0_1: 1, shadow_legacy_rps: 2900, shadow_rps: 2000, shadow_p99_ms: 66 });
  });

  it('shows the three routes side by side, both verdicts and the mirrored counts', () => {
    const text = formatShadowHuman(buildShadowReport(shadowMeasurements()));
    expect(text).toMatch(/^legacy .*1\.000/m);
    expect(text).toMatch(/^shadow@1\.0 /m);
    expect(text).toMatch(/^shadow@0\.1 /m);
    expect(text).toMatch(/shadow_vs_legacy: 0\.690 .*target >= 0\.7: MISSED/);
    expect(text).toMatch(/shadow_p99_ratio_at_0_1: 1\.000 .*ok/);
    expect(text).toMatch(/shadow@1\.0: 70000 outcomes for ~70000 answers under load \(dropped 10, match 69990\)/);
  });

  it('fails a route that saw non-2xx responses or errors, and only that one', () => {
    const m = shadowMeasurements();
    expect(shadowFailures(m)).toEqual([]);
    m.tallies['shadow@1.0'] = { non2xx: 2, errors: 0 };
    expect(shadowFailures(m)).toEqual(['shadow@1.0: 2 non-2xx responses, 0 errors']);
  });
});

describe('default run', () => {
  it('prints one JSON object with the gateway, ACL and shadow keys, every table, and every failure', () => {
    const gateway = { human: 'G', json: toJson(buildReport(measurements())), failures: ['gateway: 1 non-2xx responses, 0 errors'] };
    const acl = { human: 'A', json: aclToJson(buildAclReport(aclMeasurements())), failures: [] };
    const shadow = { human: 'S', json: shadowToJson(buildShadowReport(shadowMeasurements())), failures: [] };
    const all = combine([gateway, acl, shadow]);
    expect(Object.keys(all.json).sort()).toEqual([...Object.keys(gateway.json), ...Object.keys(acl.json), ...Object.keys(shadow.json)].sort());
    expect(Object.keys(all.json)).toHaveLength(35);
    expect(all.json).toMatchObject({ shadow_vs_legacy: 0.69, shadow_p99_ratio_at_0_1: 1 });
    expect(all.human).toBe('G\n\nA\n\nS');
    expect(all.failures).toEqual(['gateway: 1 non-2xx responses, 0 errors']);
  });
});

describe('upstream and the peer proxies as real processes', () => {
  const group = new ProcessGroup();
  afterAll(() => group.stopAll());

  it('passes the upstream body through the raw and naive proxies, and all are gone after stopAll', async () => {
    const upstream = await group.start(tsChild('upstream', 'upstream.ts', []));
    const raw = await group.start(tsChild('raw proxy', 'raw-proxy.ts', ['--target', upstream.url]));
    const naive = await group.start(tsChild('naive proxy', 'naive-proxy.ts', ['--target', upstream.url]));

    const direct = await fetch(`${upstream.url}/api/items/7`);
    const directBody = await direct.text();
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-type')).toBe('application/json');
    expect(directBody.length).toBeGreaterThan(800);
    expect(directBody.length).toBeLessThan(1300);

    for (const peer of [raw, naive]) {
      const proxied = await fetch(`${peer.url}/api/items/7`);
      expect(proxied.status).toBe(200);
      expect(proxied.headers.get('content-type')).toBe('application/json');
      expect(await proxied.text()).toBe(directBody);
    }

    const page = await fetch(`${upstream.url}/legacy/products?size=50`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/json');
    expect(await page.json()).toEqual(legacyProductPage(50));
    expect((await fetch(`${naive.url}/legacy/products?size=${LEGACY_PAGE_MAX}`)).status).toBe(200);
    for (const size of ['0', '5001', '2.5', 'x']) expect((await fetch(`${upstream.url}/legacy/products?size=${size}`)).status).toBe(400);

    await group.stopAll();
    for (const pid of [upstream.pid, raw.pid, naive.pid]) expect(isAlive(pid)).toBe(false);
  });
});

/** Signal 0 checks existence without touching the process. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
