import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { commandsOf } from './commands';
import { expectOutput, pollShadowReport, ROOT, runnerFor, servedMode, shell, validateRoutes, type Runner } from './doc-kit';
import type { OtlpReceiver } from '../../platform/test-kit/otlp-receiver';
import { startStack, stackForTests, type RunningStack } from './stack';
import { tracingRunners, type StackSwap } from './trace-runners';

/**
 * Runs every command README.md shows, in order, against a stack started with the README's own
 * `npm start`, and compares each output block with what really comes out. A command this test
 * does not know fails the test, so the README cannot grow an unchecked command.
 */

const README = path.join(ROOT, 'README.md');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-readme-'));
const ciScript = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');

const first = stackForTests(ROOT, dataDir);
/** The tracing section starts the stack again (with --trace, then with a collector's endpoint): later commands run against the newest. */
let restarted: RunningStack | undefined;
const stack = (): RunningStack => restarted ?? first();
const stacks: StackSwap = {
  current: stack,
  replace: async (options) => {
    await stack().interrupt();
    restarted = await startStack(ROOT, dataDir, options);
    return restarted;
  },
};
const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  await restarted?.interrupt();
  await Promise.all(receivers.map((r) => r.close()));
}, 30_000);

const runners: Runner[] = [
  {
    pattern: /^npm ci && npm start$/,
    run: () => {
      // `npm ci` is what CI runs first on a clean clone; the stack was started with `npm start` in beforeAll.
      expect(ciScript).toMatch(/^npm ci\b/m);
      expect(stack().stdout.join('\n')).toContain(`try               curl ${stack().gatewayUrl}/api/products?size=3`);
    },
  },
  { pattern: /^npm test$/, run: () => expect(ciScript).toMatch(/^npm test$/m) },
  {
    pattern: /^curl /,
    run: (cmd) => {
      const r = shell(cmd.command.replaceAll('http://127.0.0.1:8080', stack().gatewayUrl));
      expect(r.status).toBe(0);
      expectOutput(cmd, r.stdout);
    },
  },
  validateRoutes,
  {
    pattern: /^npx strangler gateway --routes routes\.json --port 8080$/,
    run: async (cmd) => {
      // Its own process group, so that the signal reaches the gateway under npx as Ctrl-C would.
      const child = spawn('sh', ['-c', cmd.command.replace('--port 8080', '--port 0')], {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, STRANGLER_UPSTREAM_MONOLITH: stack().legacyUrl, STRANGLER_ADMIN_PORT: '0', STRANGLER_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as { message?: string; url?: string };
          if (entry.message === 'gateway listening' && entry.url) resolve(entry.url);
        });
        child.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
      });
      const res = await fetch(`${url}/api/products/2`);
      expect(((await res.json()) as { PRD_ID: number }).PRD_ID).toBe(2);
      const exit = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGINT');
      await exit;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
  },
  {
    pattern: /^LEGACY_DATABASE_URL=sqlite:\.\/data\/big\.sqlite npm run legacy -- seed --rows 100000$/,
    run: (cmd) => {
      const r = shell(cmd.command.replace('./data/', `${dataDir}/`));
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('seeding 100000/100000 products (100% of the shop');
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1) as string)).toMatchObject({ products: 100000 });
    },
  },
  {
    pattern: /^npx strangler (backfill|verify|sync) catalog$/,
    run: (cmd) => {
      // The stack's own catalog service and legacy database (its data directory is the test's).
      const r = shell(cmd.command, { CATALOG_URL: stack().catalogUrl, STRANGLER_DATA_DIR: dataDir });
      const verb = cmd.command.split(' ')[2];
      // backfill and sync exit 3 because the seed holds a row the ACL refuses; verify must be clean.
      expect([verb, r.status]).toEqual([verb, verb === 'verify' ? 0 : 3]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  },
  {
    pattern: /^npx strangler routes (list|flip|explain|history|rollback)( |$)/,
    run: async (cmd) => {
      // The stack's own admin API, with the token `npm start` wrote into its data directory.
      const r = shell(cmd.command, { STRANGLER_ADMIN_URL: stack().adminUrl, STRANGLER_DATA_DIR: dataDir });
      expect([cmd.command, r.status, r.stderr]).toEqual([cmd.command, 0, '']);
      const verb = cmd.command.split(' ')[3];
      if (verb === 'list') expect(r.stdout).toMatch(/^v2\.products +\/api\/v2\/products\/\* +GET +legacy +routes\.json/m);
      if (verb === 'explain') expect(r.stdout).toContain('→ v2.products');
      if (verb === 'history') expect(r.stdout).toContain('demo');
      // A flip or rollback is served by the gateway within seconds, without a restart.
      const to = verb === 'flip' ? /--to (\w+)/.exec(cmd.command)?.[1] : verb === 'rollback' ? 'shadow' : undefined;
      if (to) await servedMode(stack().gatewayUrl, 'v2.products', to);
    },
  },
  {
    pattern: /^for i in \$\(seq 1 60\); do curl -s -o \/dev\/null http:\/\/127\.0\.0\.1:8080\/api\/v2\/products\/\$\(\(i % 12 \+ 1\)\); done$/,
    run: (cmd) => {
      const r = shell(cmd.command.replaceAll('http://127.0.0.1:8080', stack().gatewayUrl));
      expect(r.status).toBe(0);
    },
  },
  {
    pattern: /^npx strangler shadow report v2\.products$/,
    run: async (cmd) => {
      // The gateway adds its comparisons to the store every 2 s: ask until the burst above is in.
      const out = await pollShadowReport(cmd.command, { STRANGLER_ADMIN_URL: stack().adminUrl, STRANGLER_DATA_DIR: dataDir }, 60);
      // The catalog holds the backfilled products, so new answers like legacy: every comparison matches.
      expect(out).toMatch(/compared: +60 /);
      expect(out).toContain('match rate:      100.0% (60 of 60 without a real difference)');
      expect(out).toContain('new error rate:  0.0%');
    },
  },
  ...tracingRunners(stacks, dataDir, receivers),
  {
    pattern: /^npm run bench -- backfill --json$/,
    run: (cmd) => {
      const r = shell(cmd.command);
      expect(r.status).toBe(0);
      const figures = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
      expect(Object.keys(figures)).toEqual(['rows', 'seconds', 'rows_per_s', 'peak_rss_mb']);
      expect(figures.rows).toBe(100_000);
    },
  },
  {
    pattern: /^npm run bench -- --json$/,
    run: (cmd) => {
      // Same command, shortened: the figures are not judged here, only that they come out whole.
      // Every phase (gateway, ACL, shadow, pool, tracing) starts its own processes: minutes on 2 cores.
      const r = shell(`${cmd.command} --duration 1 --rounds 2`, {}, BENCH_KILL_AFTER_MS);
      expect(r.stderr).not.toContain('FAILED');
      expect(r.status).toBe(0);
      const figures = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
      const gatewayKeys = ['direct_rps', 'naive_rps', 'gateway_rps', 'gateway_vs_naive', 'gateway_vs_direct', 'direct_p99_ms', 'gateway_p99_ms', 'added_p50_ms_at_1000rps'];
      const aclKeys = ['acl_page_vs_plain', 'acl_us_per_item', 'acl_plain_rps', 'acl_translated_rps', 'acl_plain_p99_ms', 'acl_translated_p99_ms'];
      const shadowKeys = ['shadow_vs_legacy', 'shadow_p99_ratio_at_0_1'];
      const tracingKeys = ['traceparent_vs_off', 'tracing_on_vs_off'];
      expect(Object.keys(figures)).toEqual(expect.arrayContaining([...gatewayKeys, ...aclKeys, ...shadowKeys, ...tracingKeys]));
      for (const v of Object.values(figures)) expect(typeof v).toBe('number');
    },
  },
];

/** Ends only a hung run; the shortened default benchmark takes 2–3 minutes on this 2-core machine. */
const BENCH_KILL_AFTER_MS = 480_000;

describe('README.md commands', () => {
  const commands = commandsOf(README);

  it('shows the two commands: install+start and test', () => {
    expect(commands.map((c) => c.command).slice(0, 2)).toEqual(['npm ci && npm start', 'npm test']);
  });

  it.each(commands.map((c, i) => [i + 1, c.command, c] as const))('%i: %s', async (_i, _command, cmd) => {
    await runnerFor(runners, cmd, 'README', 'docs/test/readme.test.ts').run(cmd);
  }, BENCH_KILL_AFTER_MS + 30_000);

  it('stops the whole stack on Ctrl-C', async () => {
    await stack().interrupt();
    expect(stack().stderr.join('')).toContain('strangler: stopped');
    await expect(fetch(`${stack().gatewayUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${stack().legacyUrl}/health`)).rejects.toThrow();
  });
});
