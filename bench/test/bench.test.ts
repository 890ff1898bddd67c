import { parseArgs, UsageError } from '../args';
import type { LoadResult } from '../load';
import { ProcessGroup, tsChild } from '../processes';
import { buildReport, failures, formatHuman, summarise, toJson, type GatewayMeasurements } from '../report';
import { routesFor } from '../scenarios/gateway';
import { median, percentile, round } from '../stats';

const SCENARIOS = ['gateway', 'backfill'];

describe('parseArgs', () => {
  it('defaults to the gateway scenario, 10 s, 3 rounds, human output', () => {
    expect(parseArgs([], SCENARIOS)).toEqual({ scenario: 'gateway', durationSec: 10, rounds: 3, json: false, help: false });
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
    [['gateway', 'backfill'], /unexpected argument backfill/],
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
});

const run = (rps: number, p50Ms: number, p99Ms: number): LoadResult => ({ rps, p50Ms, p99Ms, responses: rps * 10, non2xx: 0, errors: 0 });

function measurements(): GatewayMeasurements {
  return {
    connections: 50,
    durationSec: 10,
    warmupSec: 2,
    saturated: {
      direct: [run(10000, 2, 8), run(12000, 1.5, 6), run(11000, 1.8, 7)],
      naive: [run(4000, 10, 30), run(5000, 9, 25), run(4500, 9.5, 28)],
      gateway: [run(3000, 14, 40), run(4000, 12, 35), run(3600, 13, 36)],
    },
    fixedRate: { rate: 1000, connections: 10, direct: [run(1000, 0.5, 1), run(999, 0.6, 1)], gateway: [run(1000, 1.2, 3), run(998, 1.0, 2)] },
    tallies: { direct: { non2xx: 0, errors: 0 }, naive: { non2xx: 0, errors: 0 }, gateway: { non2xx: 0, errors: 0 } },
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
    expect(report.gatewayVsDirect).toBeCloseTo(3600 / 11000);
    expect(report.addedP50MsAt1000Rps).toBeCloseTo(1.1 - 0.55);
  });

  it('prints exactly the agreed JSON keys, all of them numbers', () => {
    const json = toJson(buildReport(measurements()));
    expect(Object.keys(json).sort()).toEqual([
      'added_p50_ms_at_1000rps', 'direct_p99_ms', 'direct_rps', 'gateway_p99_ms', 'gateway_rps',
      'gateway_vs_direct', 'gateway_vs_naive', 'naive_rps',
    ]);
    for (const value of Object.values(json)) expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
    expect(json).toMatchObject({ direct_rps: 11000, gateway_rps: 3600, gateway_vs_naive: 0.8, gateway_vs_direct: 0.327, added_p50_ms_at_1000rps: 0.55 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('says how the rounds were aggregated and shows every target', () => {
    const text = formatHuman(buildReport(measurements()));
    expect(text).toMatch(/MEDIAN over the rounds/);
    expect(text).toMatch(/^direct .*1\.000/m);
    expect(text).toMatch(/^naive /m);
    expect(text).toMatch(/^gateway /m);
    expect(text).toMatch(/gateway_vs_naive: 0\.800/);
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
  it('routes the bench path and the catch-all to the one bench upstream', () => {
    expect(routesFor('http://127.0.0.1:1234')).toEqual({
      upstreams: { bench: { url: 'http://127.0.0.1:1234' } },
      routes: [
        { id: 'bench.items', path: '/api/items/*', methods: ['GET', 'HEAD'], mode: 'legacy', legacy: { upstream: 'bench' } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'bench' } },
      ],
    });
  });
});

describe('upstream and naive proxy as real processes', () => {
  const group = new ProcessGroup();
  afterAll(() => group.stopAll());

  it('passes the upstream body through the naive proxy, and both are gone after stopAll', async () => {
    const upstream = await group.start(tsChild('upstream', 'upstream.ts', []));
    const naive = await group.start(tsChild('naive proxy', 'naive-proxy.ts', ['--target', upstream.url]));

    const direct = await fetch(`${upstream.url}/api/items/7`);
    const directBody = await direct.text();
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-type')).toBe('application/json');
    expect(directBody.length).toBeGreaterThan(800);
    expect(directBody.length).toBeLessThan(1300);

    const proxied = await fetch(`${naive.url}/api/items/7`);
    expect(proxied.status).toBe(200);
    expect(await proxied.text()).toBe(directBody);

    await group.stopAll();
    for (const pid of [upstream.pid, naive.pid]) expect(isAlive(pid)).toBe(false);
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
