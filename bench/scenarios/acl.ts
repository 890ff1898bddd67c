/**
 * ACL cost: one legacy product page through the gateway with and without translation, the
 * mapping's per-item cost in a process of its own, and whether the gateway still answers while a large
 * page translates.
 */
import { DEFAULT_TIMEOUT_MS } from '../../acl';
import { measureInProcessCosts } from '../acl-cost-child';
import { ACL_TARGETS, aclFailures, aclToJson, buildAclReport, formatAclHuman, type AclMeasurements, type AclTarget, type ResponsivenessProbe } from '../acl-report';
import { LEGACY_PAGE_MAX } from '../legacy-page';
import { runLoad, type LoadResult } from '../load';
import type { Child } from '../processes';
import type { Tally } from '../report';
import type { ScenarioContext, ScenarioOutcome, Scenario } from './scenario';
import { startTargets, withTempDir } from './gateway';

const CONNECTIONS = 50;
const WARMUP_SEC = 2;
const PAGE_ITEMS = 50;
const PER_ITEM_RUNS = 300;
const PER_ITEM_WARMUPS = 50;
const PROBE_REPETITIONS = 3;
const HANDWRITTEN_ROUNDS = 15;
const HANDWRITTEN_PAGES = 200;
/** The in-process huge page: ten times what the bench upstream serves. */
const HUGE_PAGE_ITEMS = 50_000;
/** Gateway paths of the two ACL routes in `routesFor`; both rewrite to the upstream's `/legacy/products`. */
export const ACL_PATHS: Record<AclTarget, string> = { 'acl.plain': '/plain/products', 'acl.identity': '/identity/products', 'acl.translated': '/v2/products' };

export const aclScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting upstream and gateway');
    const { upstream, gateway } = await startTargets(ctx.group, dir, { naive: false });
    return runAclPhase(ctx, upstream, gateway);
  });

/** The ACL phase against an upstream and gateway already running with `routesFor`'s table. */
export async function runAclPhase({ args, progress }: ScenarioContext, upstream: Child, gateway: Child): Promise<ScenarioOutcome> {
  const urls: Record<AclTarget, string> = {
    'acl.plain': `${gateway.url}${ACL_PATHS['acl.plain']}?size=${PAGE_ITEMS}`,
    'acl.identity': `${gateway.url}${ACL_PATHS['acl.identity']}?size=${PAGE_ITEMS}`,
    'acl.translated': `${gateway.url}${ACL_PATHS['acl.translated']}?size=${PAGE_ITEMS}`,
  };
  await checkAclRoutes(upstream, urls);

  // The in-process costs, in a process of their own on the compiled build (acl-cost-child.ts), before this phase's load.
  const inProcess = await measureInProcessCosts(
    {
      pageItems: PAGE_ITEMS,
      perItemRuns: PER_ITEM_RUNS,
      perItemWarmups: PER_ITEM_WARMUPS,
      handwrittenRounds: HANDWRITTEN_ROUNDS,
      handwrittenPages: HANDWRITTEN_PAGES,
      largePageItems: LEGACY_PAGE_MAX,
      hugePageItems: HUGE_PAGE_ITEMS,
    },
    (message) => progress.phase(`ACL cost process: ${message}`),
  );

  const tallies: Record<AclTarget, Tally> = { 'acl.plain': { non2xx: 0, errors: 0 }, 'acl.identity': { non2xx: 0, errors: 0 }, 'acl.translated': { non2xx: 0, errors: 0 } };
  const measure = async (target: AclTarget, label: string, durationSec: number) => {
    progress.phase(`${label} (${target})`);
    const result = await runLoad({ url: urls[target], connections: CONNECTIONS, durationSec, onTick: (s) => progress.tick(s, durationSec) });
    tallies[target].non2xx += result.non2xx;
    tallies[target].errors += result.errors;
    return result;
  };
  const saturated: Record<AclTarget, LoadResult[]> = { 'acl.plain': [], 'acl.identity': [], 'acl.translated': [] };
  // One warm-up of every route before any round: the translated route runs far more code (the
  // generated mapping, its validator, the helpers) for V8 to optimise, under a saturating load that
  // leaves its compiler threads little of the two cores; round 1 alone would catch it half-way.
  for (const target of ACL_TARGETS) await measure(target, 'warm-up before the rounds', WARMUP_SEC);
  for (let round = 1; round <= args.rounds; round += 1) {
    // Every other round in reverse, so that neither translated nor identity always runs after the other.
    for (const target of round % 2 === 1 ? ACL_TARGETS : [...ACL_TARGETS].reverse()) {
      const of = `round ${round}/${args.rounds}`;
      await measure(target, `warm-up, ${of}`, WARMUP_SEC);
      saturated[target].push(await measure(target, `measuring ${CONNECTIONS} connections, ${of}`, args.durationSec));
    }
  }

  progress.phase(`GET /healthz while a ${LEGACY_PAGE_MAX}-item page translates in the gateway`);
  const probe = await probeResponsiveness(gateway, `${gateway.url}${ACL_PATHS['acl.translated']}?size=${LEGACY_PAGE_MAX}`);
  progress.end();

  const measurements: AclMeasurements = {
    connections: CONNECTIONS,
    durationSec: args.durationSec,
    warmupSec: WARMUP_SEC,
    pageItems: PAGE_ITEMS,
    saturated,
    tallies,
    perItem: inProcess.perItem,
    handwritten: inProcess.handwritten,
    largePage: inProcess.largePage,
    hugePage: inProcess.hugePage,
    probe,
    gatewayBudgetMs: DEFAULT_TIMEOUT_MS,
  };
  const report = buildAclReport(measurements);
  return { human: formatAclHuman(report), json: aclToJson(report), failures: aclFailures(measurements) };
}

/** One request per route before any load: a 502 under load would be measured as fast failures. */
async function checkAclRoutes(upstream: Child, urls: Record<AclTarget, string>): Promise<void> {
  const expected = await (await fetch(`${upstream.url}/legacy/products?size=${PAGE_ITEMS}`)).text();
  const plain = await fetch(urls['acl.plain']);
  const plainBody = await plain.text();
  if (plain.status !== 200 || plainBody !== expected) {
    throw new Error(`acl.plain does not pass the legacy page through: ${plain.status}, ${plainBody.length} bytes (expected 200, ${expected.length} bytes)\n${plainBody.slice(0, 300)}`);
  }
  const identity = await fetch(urls['acl.identity']);
  const identityBody = await identity.text();
  if (identity.status !== 200 || JSON.stringify(JSON.parse(identityBody)) !== JSON.stringify(JSON.parse(expected))) {
    throw new Error(`acl.identity does not answer the legacy page re-serialised: ${identity.status}\n${identityBody.slice(0, 300)}`);
  }
  const translated = await fetch(urls['acl.translated']);
  const text = await translated.text();
  let items = -1;
  try {
    const body: unknown = JSON.parse(text);
    const list = typeof body === 'object' && body !== null ? (body as { items?: unknown }).items : undefined;
    if (Array.isArray(list)) items = list.length;
  } catch {
    // reported below with the body
  }
  if (translated.status !== 200 || items !== PAGE_ITEMS) {
    throw new Error(`acl.translated does not answer a translated ${PAGE_ITEMS}-item page: ${translated.status}, ${items} items\n${text.slice(0, 300)}`);
  }
}

/**
 * Sends the large translated page and, until it is answered, GET /healthz one after another; the
 * slowest health answer is how long the gateway could not serve anyone else.
 */
async function probeResponsiveness(gateway: Child, largeUrl: string): Promise<ResponsivenessProbe> {
  const healthz = async (): Promise<number> => {
    const start = performance.now();
    const res = await fetch(`${gateway.url}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`gateway /healthz answered ${res.status}`);
    return performance.now() - start;
  };
  for (let i = 0; i < 20; i += 1) await healthz(); // opens the pooled connection and warms the route
  const idle: number[] = [];
  for (let i = 0; i < 20; i += 1) idle.push(await healthz());

  const probe: ResponsivenessProbe = { items: LEGACY_PAGE_MAX, healthzMaxMs: [], largeStatus: [], largeMs: [], idleHealthzMs: idle.sort((a, b) => a - b)[idle.length >> 1] as number };
  for (let rep = 0; rep < PROBE_REPETITIONS; rep += 1) {
    let done = false;
    const start = performance.now();
    const large = fetch(largeUrl).then(async (res) => {
      const text = await res.text();
      done = true;
      return { status: res.status, ms: performance.now() - start, text };
    });
    let slowest = 0;
    while (!done) slowest = Math.max(slowest, await healthz());
    const answer = await large;
    probe.healthzMaxMs.push(slowest);
    probe.largeStatus.push(answer.status);
    probe.largeMs.push(answer.ms);
    if (answer.status !== 200 && probe.largeProblem === undefined) probe.largeProblem = problemDetail(answer.text);
  }
  return probe;
}

function problemDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown; title?: unknown };
    return String(body.detail ?? body.title ?? text.slice(0, 200));
  } catch {
    return text.slice(0, 200);
  }
}
