/**
 * Gateway overhead: the same upstream reached directly, through the raw node:http proxy, through
 * the naive express + http-proxy-middleware peer, and through the strangler gateway (logging,
 * metrics and the resilience policies on).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadResult } from '../load';
import { freePort, REPO_ROOT, tsChild, type Child, type ProcessGroup } from '../processes';
import { buildReport, failures, formatHuman, TARGETS, toJson, type GatewayMeasurements, type Tally, type Target } from '../report';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario';

const CONNECTIONS = 50;
const WARMUP_SEC = 2;
const FIXED_RATE = 1000;
const FIXED_RATE_CONNECTIONS = 10;
/** Matches the gateway's specific route (`bench.items`), not just its catch-all. */
const PATH = '/api/items/42';

export const gatewayScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting upstream, raw and naive proxies and gateway');
    const children = await startTargets(ctx.group, dir, { naive: true });
    return runGatewayPhase(ctx, children);
  });

/** The gateway-overhead phase against targets already running (the gateway with `routesFor`'s table). */
export async function runGatewayPhase({ args, progress }: ScenarioContext, children: Targets & Peers): Promise<ScenarioOutcome> {
  const urls: Record<Target, string> = {
    direct: children.upstream.url + PATH,
    raw: children.raw.url + PATH,
    naive: children.naive.url + PATH,
    gateway: children.gateway.url + PATH,
  };
  await checkPassThrough(urls);

  const tallies: Record<Target, Tally> = { direct: zero(), raw: zero(), naive: zero(), gateway: zero() };
  const measure = async (target: Target, label: string, spec: { connections: number; durationSec: number; overallRate?: number }) => {
    progress.phase(`${label} (${target})`);
    const result = await runLoad({ url: urls[target], ...spec, onTick: (s) => progress.tick(s, spec.durationSec) });
    tallies[target].non2xx += result.non2xx;
    tallies[target].errors += result.errors;
    return result;
  };

  // Interleaved so that a slow patch of the machine hits every target, not just one of them.
  const saturated: Record<Target, LoadResult[]> = { direct: [], raw: [], naive: [], gateway: [] };
  for (let round = 1; round <= args.rounds; round += 1) {
    for (const target of TARGETS) {
      const of = `round ${round}/${args.rounds}`;
      await measure(target, `warm-up, ${of}`, { connections: CONNECTIONS, durationSec: WARMUP_SEC });
      saturated[target].push(await measure(target, `measuring ${CONNECTIONS} connections, ${of}`, { connections: CONNECTIONS, durationSec: args.durationSec }));
    }
  }

  const fixed = { direct: [] as LoadResult[], gateway: [] as LoadResult[] };
  for (let round = 1; round <= args.rounds; round += 1) {
    for (const target of ['direct', 'gateway'] as const) {
      const spec = { connections: FIXED_RATE_CONNECTIONS, durationSec: args.durationSec, overallRate: FIXED_RATE };
      fixed[target].push(await measure(target, `fixed ${FIXED_RATE} req/s, round ${round}/${args.rounds}`, spec));
    }
  }
  progress.end();

  const measurements: GatewayMeasurements = {
    connections: CONNECTIONS,
    durationSec: args.durationSec,
    warmupSec: WARMUP_SEC,
    saturated,
    fixedRate: { rate: FIXED_RATE, connections: FIXED_RATE_CONNECTIONS, ...fixed },
    tallies,
    gatewayLogLines: children.gateway.stdoutLines(),
  };
  const report = buildReport(measurements);
  if (measurements.gatewayLogLines === 0) {
    progress.phase('warning: the gateway wrote no log lines on stdout');
    progress.end();
  }
  return { human: formatHuman(report), json: toJson(report), failures: failures(measurements) };
}

/** Runs `body` with a fresh temporary folder (for the routes file), removed whichever way it ends. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'strangler-bench-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The processes a run measures; the peers only when asked for. */
export interface Targets {
  upstream: Child;
  gateway: Child;
}

/** The proxies the gateway is compared with: raw node:http, and naive express + http-proxy-middleware. */
export interface Peers {
  raw: Child;
  naive: Child;
}

export async function startTargets(group: ProcessGroup, dir: string, want: { naive: true }): Promise<Targets & Peers>;
export async function startTargets(group: ProcessGroup, dir: string, want: { naive: boolean }): Promise<Targets & Partial<Peers>>;
export async function startTargets(group: ProcessGroup, dir: string, want: { naive: boolean }): Promise<Targets & Partial<Peers>> {
  const upstream = await group.start(tsChild('upstream', 'upstream.ts', []));
  const raw = want.naive ? await group.start(tsChild('raw proxy', 'raw-proxy.ts', ['--target', upstream.url])) : undefined;
  const naive = want.naive ? await group.start(tsChild('naive proxy', 'naive-proxy.ts', ['--target', upstream.url])) : undefined;
  const routes = join(dir, 'routes.json');
  await writeFile(routes, JSON.stringify(routesFor(upstream.url), null, 2));
  // The gateway CLI takes a port rather than reporting one, so we pick a free one for it.
  const port = await freePort();
  const gateway = await group.start({
    name: 'gateway',
    args: [join(REPO_ROOT, 'bin', 'strangler.js'), 'gateway', '--routes', routes, '--port', String(port), '--no-admin', '--state', `sqlite:${join(dir, 'gateway-state.sqlite')}`],
    readiness: { kind: 'health', port, path: '/healthz' },
    readyTimeoutMs: 60_000,
  });
  return raw && naive ? { upstream, raw, naive, gateway } : { upstream, gateway };
}

/**
 * The gateway's route table for the bench: a specific legacy route, the ACL phase's legacy product
 * page untranslated, translated, and through the identity mapping (buffered, parsed and
 * re-serialised, nothing else), and the catch-all.
 */
export function routesFor(upstreamUrl: string): object {
  return {
    upstreams: { bench: { url: upstreamUrl } },
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
  };
}

/** One request per target before any load: a proxy that answers something else would be measured for nothing. */
async function checkPassThrough(urls: Record<Target, string>): Promise<void> {
  const expected = await (await fetch(urls.direct)).text();
  for (const target of ['raw', 'naive', 'gateway'] as const) {
    const res = await fetch(urls[target]);
    const body = await res.text();
    if (res.status !== 200 || body !== expected) {
      throw new Error(`${target} does not pass the upstream's answer through: ${res.status}, ${body.length} bytes (expected 200, ${expected.length} bytes)\n${body.slice(0, 300)}`);
    }
  }
}

const zero = (): Tally => ({ non2xx: 0, errors: 0 });

